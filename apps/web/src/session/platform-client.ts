// The one module that makes the app's API client and token store: everything else reaches them
// through <PlatformProvider> (main.tsx). This is where the client's refresh-cookie mode and its
// browser token store plug in once @platform/client has them (createClient's `refreshTokenIn`,
// createBrowserTokenStore, resumeSession); until then the session lives in this page's memory
// and ends when the page is reloaded.
import { createClient, createMemoryTokenStore } from "@platform/client";

import { apiUrlFrom, refreshTokenInFrom } from "./api-config.js";

const apiUrl = apiUrlFrom(import.meta.env.VITE_API_URL, window.location.origin);
const refreshTokenIn = refreshTokenInFrom(import.meta.env.VITE_REFRESH_TOKEN_IN);

export const tokenStore = createMemoryTokenStore();
export const client = createClient({ url: apiUrl, tokenStore });

/** Picks up the session an earlier page load left (none yet: the store is this page's memory). */
export function resumeSession(): Promise<void> {
  if (refreshTokenIn === "cookie") {
    return Promise.reject(
      new Error("VITE_REFRESH_TOKEN_IN=cookie needs the refresh-cookie mode of @platform/client; build with body"),
    );
  }
  return Promise.resolve();
}
