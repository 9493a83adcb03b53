// tRPC for the notes app: the platform's base procedures (@platform/auth), typed with its
// dependencies, so its errors have the identity's codes and shapes and one client reads both.
import { initAuth } from "@platform/auth";

import type { NotesDeps } from "./deps.js";

export const { router, createCallerFactory, publicProcedure, authedProcedure, adminProcedure } = initAuth<NotesDeps>();
