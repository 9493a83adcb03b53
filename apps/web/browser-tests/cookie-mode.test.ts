// The web app built for the refresh-cookie mode (VITE_REFRESH_TOKEN_IN=cookie) against an API
// that has it on (REFRESH_COOKIE=on): the refresh token lives in an HttpOnly cookie that no page
// script can read, the access token in memory only; a reload resumes the session from the cookie,
// signing out in one tab signs out the others, and a sign-out the API did not get keeps the
// session (only the API can clear the cookie: a page that said "signed out" would hand the
// session to whoever reloads it).
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { useBrowserPlatform } from "./test-support/browser-platform.js";
import { browserTestServices } from "./test-support/environment.js";
import { expectSignInForm, signIn, signOutButton, visible } from "./test-support/page-actions.js";

/** What the API answers while a backing service is away (tRPC's batch format, superjson). */
const serviceUnavailable = JSON.stringify([
  {
    error: {
      json: {
        message: "A backing service is unavailable",
        code: -32603,
        data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503, path: "auth.signOut" },
      },
    },
  },
]);

const refreshCookieName = "__Secure-platform-refresh";

const services = browserTestServices("browser tests of the refresh-cookie mode");

describe.runIf(services)("the web app in Chromium, refresh token in a cookie (REFRESH_COOKIE=on)", () => {
  const platform = useBrowserPlatform(services, { refreshTokenIn: "cookie" });

  /** The refresh cookie the browser holds for the API's refresh path (the only one it is sent to), if any. */
  const refreshCookieOf = async (context: BrowserContext) =>
    (await context.cookies(`${platform.api.browserUrl}/auth.refresh`)).find(
      (cookie) => cookie.name === refreshCookieName,
    );

  /** Everything page scripts can read: both storages and document.cookie. */
  const scriptReadableState = (page: Page) =>
    page.evaluate(() =>
      JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie]),
    );

  it("keeps the session over a reload, from a cookie that page scripts cannot read", async () => {
    const user = await platform.api.signUp("reloader");
    const context = await platform.newContext();
    const page = await platform.openApp(context);
    const [signInAnswer] = await Promise.all([
      page.waitForResponse(
        (response) => response.request().method() === "POST" && response.url().includes("auth.signIn"),
      ),
      signIn(page, user),
    ]);
    // the token is in the cookie only: not in the answer's body, nor anywhere a script could reach
    expect(await signInAnswer.text()).not.toContain("refreshToken");
    const cookie = await refreshCookieOf(context);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/trpc/auth.refresh" });
    expect(await scriptReadableState(page)).not.toContain(cookie?.value);

    await page.reload();
    await visible(signOutButton(page));
  });

  it("signs out every tab when one tab signs out, and the cookie goes with it", async () => {
    const user = await platform.api.signUp("two-tabs");
    const context = await platform.newContext();
    const first = await platform.openApp(context);
    await signIn(first, user);
    const second = await platform.openApp(context); // the same browser: resumes from the cookie
    await visible(signOutButton(second));

    await signOutButton(first).click();
    await expectSignInForm(first);
    await expectSignInForm(second); // without anything done in the second tab
    expect(await refreshCookieOf(context)).toBeUndefined();
    await second.reload();
    await expectSignInForm(second);
  });

  it("keeps the session when the API did not get the sign-out, says why beside Sign out, and signs out on a retry", async () => {
    const user = await platform.api.signUp("outage");
    const context = await platform.newContext();
    const page = await platform.openApp(context);
    await signIn(page, user);
    const isSignOut = (url: URL) => url.pathname.endsWith("/auth.signOut");
    await page.route(isSignOut, (route) =>
      route.fulfill({ status: 503, contentType: "application/json", body: serviceUnavailable }),
    );

    await signOutButton(page).click();
    const failure = page.getByRole("alert").filter({ hasText: "Sign-out failed" });
    await visible(failure);
    expect(await failure.textContent()).toBe("Sign-out failed: A backing service is unavailable. Try again.");
    await visible(signOutButton(page)); // still signed in, as the API still has it
    expect(await refreshCookieOf(context)).toBeDefined();
    await page.reload();
    await visible(signOutButton(page)); // what a page that had "signed out" would have handed on

    await page.unroute(isSignOut);
    await signOutButton(page).click();
    await expectSignInForm(page);
    expect(await refreshCookieOf(context)).toBeUndefined();
  });
});
