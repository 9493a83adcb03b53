// The one module that makes the app's API client and token store: everything else reaches them
// through <PlatformProvider> (main.tsx). VITE_REFRESH_TOKEN_IN picks where the refresh token
// lives (README "Refresh tokens in the browser: body or cookie"):
//   body    (default, works with the API's default configuration) the session is kept in
//           localStorage, so it survives a reload and is shared by the tabs;
//   cookie  (the API runs with REFRESH_COOKIE=on) the refresh token is an HttpOnly cookie no
//           script can read; the access token stays in this tab's memory, and a reload gets a new
//           one from the cookie (resumeSession).
// Either way a sign-out in one tab signs out every tab of the app.
import { createBrowserTokenStore, createClient, resumeSession as resumeFromServer } from "@platform/client";

import { apiUrlFrom, refreshTokenInFrom } from "./api-config.js";

const apiUrl = apiUrlFrom(import.meta.env.VITE_API_URL, window.location.origin);
const refreshTokenIn = refreshTokenInFrom(import.meta.env.VITE_REFRESH_TOKEN_IN);

export const tokenStore = createBrowserTokenStore({ persist: refreshTokenIn === "body" });
export const client = createClient({ url: apiUrl, tokenStore, refreshTokenIn });

/** Picks up the session an earlier page load left: in localStorage, or behind the refresh cookie. */
export async function resumeSession(): Promise<void> {
  await resumeFromServer(client);
}
