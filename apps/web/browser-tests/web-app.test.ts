// The web app as built by default (refresh token in the response body; the API's default
// configuration), in Chromium against the API as a process: signing in, the users page for an
// admin and for a plain user, a wrong password, signing out, and a session ended elsewhere.
// First, the harness itself: the built bundle runs in the page and the page may call the API.
import { describe, expect, it } from "vitest";

import { screenshot, useBrowserPlatform } from "./test-support/browser-platform.js";
import { browserTestServices } from "./test-support/environment.js";
import {
  adminOnlyMessage,
  expectSignInForm,
  gone,
  recordBearerTokens,
  signIn,
  signOutButton,
  submitSignIn,
  usersLink,
  usersTable,
  visible,
} from "./test-support/page-actions.js";

const services = browserTestServices("browser tests of the web app");

describe.runIf(services)("the web app in Chromium (refresh token in the body: the default)", () => {
  const platform = useBrowserPlatform(services, { refreshTokenIn: "body" });

  describe("the harness", () => {
    it("serves the built bundle, whose script renders the page's heading", async () => {
      const page = await platform.openApp();
      // index.html has no <h1>: React rendered this one, so the bundle's script ran
      const heading = page.locator("h1").first();
      await visible(heading);
      expect((await heading.textContent())?.trim()).not.toBe("");
    });

    it("lets the page call the API at localhost from its own origin (CORS_ORIGIN)", async () => {
      const page = await platform.openApp();
      const answer = await page.evaluate(async (url) => {
        const response = await fetch(`${url}/health.ping`);
        return { status: response.status, body: (await response.json()) as unknown };
      }, platform.api.browserUrl);
      expect(answer).toEqual({ status: 200, body: { result: { data: { json: { status: "ok" } } } } });
    });
  });

  it("shows an admin the users table, with every user's email", async () => {
    const user = await platform.api.signUp("listed");
    const page = await platform.openApp();
    await signIn(page, platform.api.admin);
    await usersLink(page).click();
    const table = usersTable(page);
    await visible(table);
    for (const email of [platform.api.admin.email, user.email]) {
      await visible(table.getByRole("row").filter({ hasText: email }));
    }
    await screenshot(page, "users-table");
  });

  it("shows a plain user who opens Users a message that the page is for admins, and no table", async () => {
    const user = await platform.api.signUp("plain");
    const page = await platform.openApp();
    await signIn(page, user);
    await usersLink(page).click();
    await visible(adminOnlyMessage(page));
    expect(await usersTable(page).count()).toBe(0);
  });

  it("says 'invalid credentials' for a wrong password, and stays on the sign-in form", async () => {
    const user = await platform.api.signUp("mistyped");
    const page = await platform.openApp();
    await submitSignIn(page, { email: user.email, password: `${user.password}-wrong` });
    await visible(page.getByText("invalid credentials"));
    await expectSignInForm(page);
    await screenshot(page, "sign-in-error");
  });

  it("signs out for good: the access token the page used is refused by the API afterwards", async () => {
    const page = await platform.openApp();
    const bearerTokens = recordBearerTokens(page);
    await signIn(page, platform.api.admin);
    await usersLink(page).click(); // an admin's users page calls the API with the access token
    await visible(usersTable(page));
    const token = bearerTokens().at(-1);
    expect(token, "the page sent no Authorization: Bearer header").toBeDefined();
    // the token works before the sign-out (so its refusal below is the sign-out's doing)
    expect(await platform.api.query("auth.me", token)).toMatchObject({ status: 200 });

    await signOutButton(page).click();
    await expectSignInForm(page);
    expect(await platform.api.query("auth.me", token)).toEqual({ status: 401, code: "UNAUTHORIZED" });
  });

  it("returns to the sign-in form at the next action once the session was ended from another client", async () => {
    const page = await platform.openApp();
    await signIn(page, platform.api.admin);
    // the admin, on another device, signs out everywhere else
    const elsewhere = await platform.api.signIn(platform.api.admin);
    const ended = await platform.api.mutate("auth.sessions.revokeOthers", undefined, elsewhere);
    expect(ended).toMatchObject({ status: 200 });

    await usersLink(page).click(); // the next action: the users page asks the API, which refuses
    await expectSignInForm(page);
    await gone(usersTable(page));
  });
});
