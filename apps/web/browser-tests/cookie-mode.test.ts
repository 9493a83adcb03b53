// The web app built for the refresh-cookie mode (VITE_REFRESH_TOKEN_IN=cookie) against an API
// that has it on (REFRESH_COOKIE=on): the refresh token lives in an HttpOnly cookie that no page
// script can read, the access token in memory only; a reload resumes the session from the cookie,
// and signing out in one tab signs out the others.
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { useBrowserPlatform } from "./test-support/browser-platform.js";
import { browserTestServices } from "./test-support/environment.js";
import { expectSignInForm, signIn, signOutButton, visible } from "./test-support/page-actions.js";

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
});
