// What a person does and sees in the web app, found only by the accessible names the contract
// gives (ARCHITECTURE.md, "Web app"): the labels Email and Password, the buttons Sign in and
// Sign out, the link Users, a table of users, a message naming the admin role. Names match
// exactly, so that a renamed control fails here as it would fail a screen reader's user.
import type { Locator, Page } from "playwright-core";

export const emailInput = (page: Page): Locator => page.getByLabel("Email", { exact: true });
export const passwordInput = (page: Page): Locator => page.getByLabel("Password", { exact: true });
export const signInButton = (page: Page): Locator => page.getByRole("button", { name: "Sign in", exact: true });
export const signOutButton = (page: Page): Locator => page.getByRole("button", { name: "Sign out", exact: true });
export const usersLink = (page: Page): Locator => page.getByRole("link", { name: "Users", exact: true });
export const usersTable = (page: Page): Locator => page.getByRole("table");
/** What a plain user sees instead of the users: a message that says it is for admins. */
export const adminOnlyMessage = (page: Page): Locator => page.getByText(/admin/i).first();

/** Resolves once `locator` is visible (strict: it must match exactly one element). */
export async function visible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "visible" });
}

/** Resolves once nothing `locator` matches is visible. */
export async function gone(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "hidden" });
}

/** Fills in the sign-in form and submits it. */
export async function submitSignIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await emailInput(page).fill(account.email);
  await passwordInput(page).fill(account.password);
  await signInButton(page).click();
}

/** Signs in and waits until the app shows the signed-in screen (its Sign out button). */
export async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await submitSignIn(page, account);
  await visible(signOutButton(page));
}

/** Waits until the app is back on its sign-in form, and no longer offers to sign out. */
export async function expectSignInForm(page: Page): Promise<void> {
  await visible(emailInput(page));
  await visible(passwordInput(page));
  await gone(signOutButton(page));
}

/**
 * Records the bearer tokens the page's requests carry (their Authorization header), in order:
 * the access token the app was using is the last one.
 */
export function recordBearerTokens(page: Page): () => string[] {
  const tokens: string[] = [];
  page.on("request", (request) => {
    const token = /^Bearer (.+)$/.exec(request.headers().authorization ?? "")?.[1];
    if (token) tokens.push(token);
  });
  return () => [...tokens];
}
