import type { AuthContext, RequestInfo } from "@platform/auth";

import type { ApiDeps } from "./deps.js";

/**
 * The context of one call. Authentication is not done here but in `authedProcedure`, so public
 * calls pay nothing for it. Tests build it directly: `createContext(deps, { authorization })`.
 */
export function createContext(deps: ApiDeps, request: RequestInfo = {}): AuthContext<ApiDeps> {
  return { deps, request };
}

export type Context = ReturnType<typeof createContext>;
