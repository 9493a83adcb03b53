import type { AuthContext, RequestInfo } from "@platform/auth";

import type { NotesDeps } from "./deps.js";

/**
 * The context of one call: authentication happens in the procedures (authedProcedure), not here.
 * Tests build it without HTTP: `createContext(deps, { authorization: "Bearer ..." })`.
 */
export function createContext(deps: NotesDeps, request: RequestInfo = {}): AuthContext<NotesDeps> {
  return { deps, request };
}
