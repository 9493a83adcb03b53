import type { AuthContext, RequestInfo } from "@platform/auth";

import type { ApiDeps } from "./deps.js";
import { type CookieRequest, createRefreshCookie, type RefreshCookie } from "./refresh-cookie.js";

export interface Context extends AuthContext<ApiDeps> {
  /** Where this call's refresh token comes from and goes to: the body, or the cookie (refresh-cookie.ts). */
  refreshCookie: RefreshCookie;
}

/**
 * The context of one call. Authentication is not done here but in `authedProcedure`, so public
 * calls pay nothing for it. Tests build it directly: `createContext(deps, { authorization })`;
 * `readCookieRequest` comes with HTTP calls only (a call without it is in body mode).
 */
export function createContext(
  deps: ApiDeps,
  request: RequestInfo = {},
  readCookieRequest?: () => CookieRequest,
): Context {
  return { deps, request, refreshCookie: createRefreshCookie(deps.config, readCookieRequest) };
}
