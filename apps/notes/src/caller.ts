import type { RequestInfo } from "@platform/auth";

import { createContext } from "./context.js";
import type { NotesDeps } from "./deps.js";
import { notesAppRouter } from "./router.js";
import { createCallerFactory } from "./trpc.js";

const createNotesCaller = createCallerFactory(notesAppRouter);

/** Calls procedures in-process (tests, scripts): `createCaller(deps, { authorization: "Bearer ..." })`. */
export function createCaller(deps: NotesDeps, request: RequestInfo = {}) {
  return createNotesCaller(createContext(deps, request));
}
