import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

import { notesRouter } from "./routers/notes.js";
import { router } from "./trpc.js";

export const notesAppRouter = router({
  notes: notesRouter,
});

export type NotesRouter = typeof notesAppRouter;
export type NotesRouterInputs = inferRouterInputs<NotesRouter>;
export type NotesRouterOutputs = inferRouterOutputs<NotesRouter>;
