// tRPC for this API: the base procedures from @platform/auth, typed with this API's dependencies and context.
import { initAuth } from "@platform/auth";

import type { Context } from "./context.js";
import type { ApiDeps } from "./deps.js";

export const { router, createCallerFactory, publicProcedure, authedProcedure, adminProcedure, requireRole } = initAuth<
  ApiDeps,
  Context
>();
