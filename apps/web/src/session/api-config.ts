// Where the API is and how the refresh token travels, fixed when the app is built (Vite's
// VITE_* variables). Unset, the app calls its own origin's /trpc: the dev server proxies it to the
// API, and a production deployment serves both from one origin.

import type { RefreshTokenIn } from "@platform/client";

/** The tRPC endpoint: VITE_API_URL, or `<origin>/trpc`. */
export function apiUrlFrom(configured: string | undefined, origin: string): string {
  const url = configured?.trim();
  return url ? url : new URL("/trpc", origin).href;
}

/** VITE_REFRESH_TOKEN_IN: "body" (the default, which the API's default configuration serves) or "cookie". */
export function refreshTokenInFrom(configured: string | undefined): RefreshTokenIn {
  const value = configured?.trim() ?? "";
  if (value === "") return "body";
  if (value === "body" || value === "cookie") return value;
  throw new Error(`VITE_REFRESH_TOKEN_IN must be "body" or "cookie", not "${value}"`);
}
