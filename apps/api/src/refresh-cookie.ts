// The refresh token in an httpOnly cookie instead of the response body: an opt-in for browsers
// (REFRESH_COOKIE=on; README "Refresh tokens in the browser: body or cookie").
//
// Model: a request asks for it with `x-refresh-token: cookie`. auth.signIn, auth.signUp and
// auth.refresh then set the cookie and leave `refreshToken` out of the body, so no script on the
// page ever holds the long-lived token; the access token stays in the page's memory. The cookie is
// HttpOnly (scripts cannot read it), Secure, SameSite=Strict (a browser sends it on same-site
// requests only) and its Path is the refresh procedure's URL, so no other call carries it.
// auth.refresh without a token in its body reads the cookie, but only from a request that passes
// the CSRF checks: an Origin listed in CORS_ORIGIN or the API's own (scheme://host of the request),
// and a Sec-Fetch-Site, when the browser sends one, of same-origin or same-site. A token read from
// the cookie is answered in the cookie whatever the request asked: it must never reach a body.
//
// Limits: same-site deployment only (web app and API on one registrable domain); a script running
// on the page can still make refresh calls while it runs (it cannot take the token away with it);
// the cookie a browser holds is cleared by sign-out and by a refused cookie refresh, not by a
// revocation elsewhere (the next refresh is refused and clears it then).
import { parseCookie, stringifySetCookie } from "cookie";

import type { Config } from "./config.js";
import type { IssuedTokens } from "./wire-types.js";

/** `__Secure-`: browsers accept the cookie only with Secure, from a secure origin (or localhost). */
export const refreshCookieName = "__Secure-platform-refresh";
/** The tRPC prefix (server.ts) and the refresh procedure: the only URL the cookie is sent to. */
export const refreshCookiePath = "/trpc/auth.refresh";
/** The header, and its value, by which a request asks for cookie mode. */
export const refreshTokenInHeader = "x-refresh-token";
export const cookieModeValue = "cookie";

/** What one HTTP request tells about the cookie (server.ts reads it from the Fastify request). */
export interface CookieRequest {
  /** It sent `x-refresh-token: cookie`. */
  asksForCookie: boolean;
  /** The Cookie header. */
  cookie: string | undefined;
  origin: string | undefined;
  /** Sec-Fetch-Site (browsers send it; other clients usually do not). */
  fetchSite: string | undefined;
  /** Where the request was addressed: its scheme and Host (the API's own origin, read only when needed). */
  protocol: string;
  host: string;
}

/**
 * The cookie's token, none, a request whose site may not use it, or two cookies of that name: one
 * planted by a sibling subdomain (`Domain=` the parent; `__Secure-` does not prevent it) to sign
 * the page into the planter's account. Browsers send both and no one can tell which is ours.
 */
export type CookieReading =
  { status: "absent" } | { status: "cross-site" } | { status: "duplicated" } | { status: "present"; token: string };

/** The refresh cookie as one call sees it (ctx.refreshCookie). */
export interface RefreshCookie {
  /** The token the cookie holds; "absent" with REFRESH_COOKIE=off or outside HTTP. */
  read(): CookieReading;
  /**
   * Tokens as the answer's body carries them. In cookie mode (asked for, or the token was read
   * from the cookie) the refresh token goes into the cookie, alive `maxAgeSeconds`, and out of the body.
   */
  deliver(tokens: { token: string; refreshToken: string }, maxAgeSeconds: number): IssuedTokens;
  /** In cookie mode, expires the cookie in the browser: the session it was for has ended. */
  clear(): void;
  /** The Set-Cookie values of the answer (server.ts's responseMeta sends them). */
  readonly setCookies: readonly string[];
}

/** REFRESH_COOKIE=off, or a call from inside the process: the body carries the tokens, as ever. */
const bodyOnly: RefreshCookie = {
  read: () => ({ status: "absent" }),
  deliver: ({ token, refreshToken }) => ({ token, refreshToken }),
  clear: () => {},
  setCookies: [],
};

/** `readRequest`: the HTTP request's details, read only with REFRESH_COOKIE=on; none for in-process calls. */
export function createRefreshCookie(
  config: Pick<Config, "refreshCookie" | "corsOrigin">,
  readRequest: (() => CookieRequest) | undefined,
): RefreshCookie {
  if (config.refreshCookie === "off" || !readRequest) return bodyOnly;
  const request = readRequest();
  const setCookies: string[] = [];
  let isCookieMode = request.asksForCookie;
  const setCookie = (value: string, maxAge: number) => {
    setCookies.push(stringifySetCookie({ name: refreshCookieName, value, ...cookieAttributes, maxAge }));
  };
  return {
    read() {
      const token = request.cookie === undefined ? undefined : parseCookie(request.cookie)[refreshCookieName];
      if (!token) return { status: "absent" };
      if (!isFromAllowedSite(request, config.corsOrigin)) return { status: "cross-site" };
      if (countCookies(request.cookie ?? "", refreshCookieName) > 1) return { status: "duplicated" };
      isCookieMode = true;
      return { status: "present", token };
    },
    deliver({ token, refreshToken }, maxAgeSeconds) {
      if (!isCookieMode) return { token, refreshToken };
      setCookie(refreshToken, maxAgeSeconds);
      return { token };
    },
    clear() {
      if (isCookieMode) setCookie("", 0);
    },
    setCookies,
  };
}

/** How many cookies of this name a Cookie header carries (parseCookie keeps only the first). */
function countCookies(header: string, name: string): number {
  return header.split(";").filter((pair) => pair.split("=", 1)[0]?.trim() === name).length;
}

const cookieAttributes = { httpOnly: true, secure: true, sameSite: "strict", path: refreshCookiePath } as const;

/**
 * The CSRF checks: the request comes from a page the API serves or trusts (Origin), and the
 * browser, when it says, calls it same-site (Fetch Metadata). A browser always sends Origin with
 * a POST, so a request without one is not from a page we can vouch for.
 */
function isFromAllowedSite(request: CookieRequest, corsOrigin: Config["corsOrigin"]): boolean {
  if (request.fetchSite !== undefined && request.fetchSite !== "same-origin" && request.fetchSite !== "same-site") {
    return false;
  }
  const { origin } = request;
  if (origin === undefined) return false;
  if (Array.isArray(corsOrigin) && corsOrigin.includes(origin)) return true;
  return origin === originOf(`${request.protocol}://${request.host}`);
}

/** The request's details for the cookie, from its headers and the address it was sent to. */
export function cookieRequestOf(request: {
  headers: Record<string, string | string[] | undefined>;
  protocol: string;
  host: string;
}): CookieRequest {
  const { headers } = request;
  const text = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);
  return {
    asksForCookie: headers[refreshTokenInHeader] === cookieModeValue,
    cookie: text(headers.cookie),
    origin: text(headers.origin),
    fetchSite: text(headers["sec-fetch-site"]),
    protocol: request.protocol,
    host: request.host,
  };
}

/** scheme://host[:port] as browsers write it in Origin (lower case, no default port), or undefined. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
