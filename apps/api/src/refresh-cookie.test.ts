// The refresh-cookie mode over real HTTP (a listening server on the harness's Postgres and
// registry), through both ways of serving /trpc. Requests carry what a browser would send: the
// page's Origin and Sec-Fetch-Site, and the cookie it holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildServer } from "./server.js";
import { createTestHarness, credentialsOf, type TestHarness, uniqueEmail } from "./test-support/harness.js";
import { anyString, stringMatching } from "./test-support/matchers.js";
import { type Serving, servings } from "./test-support/servings.js";

const webApp = "https://web.example.test"; // listed in CORS_ORIGIN
const cookieName = "__Secure-platform-refresh";
const attributes = "Path=/trpc/auth.refresh; HttpOnly; Secure; SameSite=Strict";
const clearedCookie = `${cookieName}=; Max-Age=0; ${attributes}`;
const crossSiteMessage = "This request came from a site that may not use the refresh cookie.";
const refusedTokenMessage = "The refresh token is invalid, expired or already used; sign in again";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

interface Answer {
  status: number;
  /** The call's result data (superjson's `json`), or undefined. */
  data: Record<string, unknown> | undefined;
  error: { message: string; data: { code: string } } | undefined;
  setCookies: string[];
}

/** A server on a free port with these variables; `origin` is its own (http://127.0.0.1:port). */
async function serve(env: Record<string, string>, serving: Serving) {
  const server = await buildServer(h.withConfig({ CORS_ORIGIN: webApp, ...env }), { serving });
  const origin = await server.listen({ host: "127.0.0.1", port: 0 });
  /** POSTs one call (a mutation) with these headers. */
  async function call(path: string, input: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${origin}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: input }),
    });
    const body = (await response.json()) as {
      result?: { data: { json: Record<string, unknown> } };
      error?: { json: Answer["error"] };
    };
    return {
      status: response.status,
      data: body.result?.data.json,
      error: body.error?.json,
      setCookies: response.headers.getSetCookie(),
    };
  }
  return { server, origin, call };
}

/** The token a Set-Cookie of the refresh cookie carries. */
function cookieTokenOf(answer: Answer): string {
  const [setCookie = ""] = answer.setCookies;
  const token = new RegExp(`^${cookieName}=([^;]+);`).exec(setCookie)?.[1];
  if (!token) throw new Error(`no refresh cookie in ${JSON.stringify(answer.setCookies)}`);
  return token;
}

/** The Set-Cookie list of a refresh cookie alive `maxAge` seconds. */
const refreshCookieFor = (maxAge: number | string) => [
  stringMatching(new RegExp(`^${cookieName}=[\\w.-]+; Max-Age=${maxAge}; ${attributes}$`)),
];

describe.each(servings)("refresh cookie, served %s", (serving) => {
  let on: Awaited<ReturnType<typeof serve>>;
  let off: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    [on, off] = await Promise.all([serve({ REFRESH_COOKIE: "on" }, serving), serve({}, serving)]);
  });
  afterAll(() => Promise.all([on.server.close(), off.server.close()]));

  /** What the web app's page sends: cookie mode, from the API's own origin, same-origin. */
  const fromPage = () => ({ "x-refresh-token": "cookie", origin: on.origin, "sec-fetch-site": "same-origin" });
  const withCookie = (refreshToken: string) => ({ cookie: `${cookieName}=${refreshToken}` });

  /** A new user signed in by the page: the access token and the cookie's refresh token. */
  async function signedInByPage() {
    const user = await h.createUser();
    const signIn = await on.call("auth.signIn", credentialsOf(user), fromPage());
    expect(signIn.status).toBe(200);
    return { user, token: String(signIn.data?.token), refreshToken: cookieTokenOf(signIn) };
  }

  /** The session's rotation generation in Postgres: what a refresh moves on. */
  const generationOf = async (refreshToken: string) =>
    (await h.deps.prisma.session.findUniqueOrThrow({ where: { id: h.sessionIdOf(refreshToken) } })).refreshGeneration;

  describe("sign-in and sign-up", () => {
    it("with x-refresh-token: cookie, set the cookie (HttpOnly, Secure, SameSite=Strict, the refresh path, the session's lifetime) and leave refreshToken out of the body", async () => {
      const user = await h.createUser();
      const signIn = await on.call("auth.signIn", credentialsOf(user), fromPage());
      expect(signIn.status).toBe(200);
      expect(signIn.setCookies).toEqual(refreshCookieFor(h.deps.config.sessionTtlSeconds));
      expect(Object.keys(signIn.data ?? {})).toEqual(["token", "user", "deviceToken"]);
      // the cookie holds the refresh token of the session the access token is for
      const claims = await h.deps.tokens.verify(String(signIn.data?.token));
      expect(h.sessionIdOf(cookieTokenOf(signIn))).toBe(claims?.sessionId);

      const newUser = { email: uniqueEmail("cookie"), name: "Cookie", password: "a test passphrase" };
      const signUp = await on.call("auth.signUp", newUser, fromPage());
      expect(signUp.status).toBe(200);
      expect(signUp.setCookies).toEqual(refreshCookieFor(h.deps.config.sessionTtlSeconds));
      expect(Object.keys(signUp.data ?? {})).toEqual(["token", "user", "deviceToken"]);
    });

    it("without the header, answer as ever: refreshToken in the body, no cookie", async () => {
      const user = await h.createUser();
      const signIn = await on.call("auth.signIn", credentialsOf(user), { origin: on.origin });
      expect(signIn.setCookies).toEqual([]);
      expect(Object.keys(signIn.data ?? {})).toEqual(["token", "refreshToken", "user", "deviceToken"]);
      expect(await generationOf(String(signIn.data?.refreshToken))).toBe(0);
    });

    it("with REFRESH_COOKIE=off, the header changes nothing", async () => {
      const user = await h.createUser();
      const signIn = await off.call("auth.signIn", credentialsOf(user), {
        "x-refresh-token": "cookie",
        origin: off.origin,
      });
      expect(signIn.setCookies).toEqual([]);
      expect(Object.keys(signIn.data ?? {})).toEqual(["token", "refreshToken", "user", "deviceToken"]);
    });
  });

  describe("auth.refresh from the cookie", () => {
    it("rotates: a new access token, a new cookie for the session's remaining life, no token in the body", async () => {
      const { refreshToken } = await signedInByPage();
      const hour = 3600;
      h.clock.advance(hour * 1000);
      try {
        const refreshed = await on.call("auth.refresh", {}, { ...fromPage(), ...withCookie(refreshToken) });
        expect(refreshed.status).toBe(200);
        expect(refreshed.data).toEqual({ token: anyString() });
        const maxAge = Number(/Max-Age=(\d+)/.exec(refreshed.setCookies[0] ?? "")?.[1]);
        expect(refreshed.setCookies).toEqual(refreshCookieFor(maxAge));
        // what is left of the session (the second that passed while it ran, at most)
        const left = h.deps.config.sessionTtlSeconds - hour;
        expect(maxAge).toBeGreaterThanOrEqual(left - 1);
        expect(maxAge).toBeLessThanOrEqual(left);
        const next = cookieTokenOf(refreshed);
        expect(next).not.toBe(refreshToken);
        expect(await generationOf(next)).toBe(1);
        expect(h.deps.refreshTokens.read(next)).toEqual({ sessionId: h.sessionIdOf(refreshToken), generation: 1 });
      } finally {
        h.clock.reset();
      }
    });

    it("the spent cookie, replayed after the grace window, is reuse: the session ends and the cookie is cleared", async () => {
      const { token, refreshToken } = await signedInByPage();
      const rotated = await on.call("auth.refresh", {}, { ...fromPage(), ...withCookie(refreshToken) });
      const next = cookieTokenOf(rotated);
      h.clock.advance((h.deps.config.refreshReuseGraceSeconds + 1) * 1000);
      try {
        const replay = await on.call("auth.refresh", {}, { ...fromPage(), ...withCookie(refreshToken) });
        expect(replay.status).toBe(401);
        expect(replay.error).toMatchObject({ message: refusedTokenMessage, data: { code: "UNAUTHORIZED" } });
        expect(replay.setCookies).toEqual([clearedCookie]);
        // the session is over: its newest token and its access token too
        const after = await on.call("auth.refresh", {}, { ...fromPage(), ...withCookie(next) });
        expect(after.status).toBe(401);
        expect(await h.deps.tokens.verify(token)).not.toBeNull(); // (a JWT: the registry says no)
        const signOut = await on.call("auth.signOut", undefined, { authorization: `Bearer ${token}` });
        expect(signOut.status).toBe(401);
      } finally {
        h.clock.reset();
      }
    });

    it("a token read from the cookie is answered in the cookie, even without x-refresh-token", async () => {
      const { refreshToken } = await signedInByPage();
      const refreshed = await on.call(
        "auth.refresh",
        {},
        { origin: on.origin, "sec-fetch-site": "same-origin", ...withCookie(refreshToken) },
      );
      expect(refreshed.status).toBe(200);
      expect(refreshed.data).toEqual({ token: anyString() });
      expect(refreshed.setCookies).toEqual(refreshCookieFor("\\d+"));
    });

    it.each([
      ["without Origin", () => ({ "sec-fetch-site": "same-origin" })],
      ["from an origin that is not listed", () => ({ origin: "https://evil.example.test" })],
      [
        "from a sibling that is not listed",
        () => ({ origin: "https://evil.web.example.test", "sec-fetch-site": "same-site" }),
      ],
      ["from a listed origin the browser calls cross-site", () => ({ origin: webApp, "sec-fetch-site": "cross-site" })],
      [
        "from the API's origin the browser calls cross-site",
        () => ({ origin: on.origin, "sec-fetch-site": "cross-site" }),
      ],
      ["with Origin: null (a sandboxed page)", () => ({ origin: "null" })],
    ])("%s: FORBIDDEN, and nothing rotates", async (_, headersOf: () => Record<string, string>) => {
      const { refreshToken } = await signedInByPage();
      const headers = { "x-refresh-token": "cookie", ...headersOf(), ...withCookie(refreshToken) };
      const refused = await on.call("auth.refresh", {}, headers);
      expect(refused.status).toBe(403);
      expect(refused.error).toMatchObject({ message: crossSiteMessage, data: { code: "FORBIDDEN" } });
      expect(refused.setCookies).toEqual([]);
      expect(await generationOf(refreshToken)).toBe(0);
    });

    it.each([
      ["the API's own origin, same-origin", () => ({ origin: on.origin, "sec-fetch-site": "same-origin" })],
      ["the API's own origin, without Fetch Metadata (an older browser)", () => ({ origin: on.origin })],
      ["a listed origin, same-site", () => ({ origin: webApp, "sec-fetch-site": "same-site" })],
    ])("from %s: rotates", async (_, headersOf) => {
      const { refreshToken } = await signedInByPage();
      const headers = { "x-refresh-token": "cookie", ...headersOf(), ...withCookie(refreshToken) };
      const refreshed = await on.call("auth.refresh", {}, headers);
      expect(refreshed.status).toBe(200);
      expect(await generationOf(refreshToken)).toBe(1);
    });

    it("two cookies of its name (one planted by a sibling subdomain): FORBIDDEN, nothing rotates, ours is kept", async () => {
      const victim = await signedInByPage();
      const planter = await signedInByPage();
      // the browser sends the planted, older cookie first; parseCookie would take it
      const cookie = `${cookieName}=${planter.refreshToken}; other=1; ${cookieName}=${victim.refreshToken}`;
      const refused = await on.call("auth.refresh", {}, { ...fromPage(), cookie });
      expect(refused.status).toBe(403);
      expect(refused.error).toMatchObject({ message: /Two refresh cookies were sent/, data: { code: "FORBIDDEN" } });
      expect(refused.setCookies).toEqual([]);
      expect(await generationOf(planter.refreshToken)).toBe(0);
      expect(await generationOf(victim.refreshToken)).toBe(0);
    });

    it("neither a token in the body nor a cookie: UNAUTHORIZED, as a refused token", async () => {
      const none = await on.call("auth.refresh", {}, fromPage());
      expect(none.status).toBe(401);
      expect(none.error).toMatchObject({ message: refusedTokenMessage, data: { code: "UNAUTHORIZED" } });
    });

    it("with REFRESH_COOKIE=off, the cookie is not read", async () => {
      const { refreshToken } = await signedInByPage();
      const ignored = await off.call(
        "auth.refresh",
        {},
        {
          "x-refresh-token": "cookie",
          origin: off.origin,
          ...withCookie(refreshToken),
        },
      );
      expect(ignored.status).toBe(401);
      expect(ignored.error).toMatchObject({ message: refusedTokenMessage });
      expect(ignored.setCookies).toEqual([]);
      expect(await generationOf(refreshToken)).toBe(0);
    });

    it("a revoked session's cookie: UNAUTHORIZED, and the cookie is cleared", async () => {
      const { user, refreshToken } = await signedInByPage();
      const admin = await h.createSignedInUser({ roles: ["admin"] });
      await h.caller(admin.token).users.revokeSessions({ id: user.id });
      const refused = await on.call("auth.refresh", {}, { ...fromPage(), ...withCookie(refreshToken) });
      expect(refused.status).toBe(401);
      expect(refused.error).toMatchObject({ message: refusedTokenMessage });
      expect(refused.setCookies).toEqual([clearedCookie]);
    });

    it("a token in the body is read as ever, whatever the cookie and the origin", async () => {
      const user = await h.createUser();
      const signIn = await on.call("auth.signIn", credentialsOf(user));
      const refreshToken = String(signIn.data?.refreshToken);
      const refreshed = await on.call("auth.refresh", { refreshToken }, { origin: "https://elsewhere.example" });
      expect(refreshed.status).toBe(200);
      expect(Object.keys(refreshed.data ?? {})).toEqual(["token", "refreshToken"]);
      expect(refreshed.setCookies).toEqual([]);
    });
  });

  describe("ending the session clears the cookie", () => {
    it("auth.signOut with x-refresh-token: cookie; without the header, no Set-Cookie", async () => {
      const page = await signedInByPage();
      const signOut = await on.call("auth.signOut", undefined, {
        ...fromPage(),
        authorization: `Bearer ${page.token}`,
      });
      expect(signOut.status).toBe(200);
      expect(signOut.setCookies).toEqual([clearedCookie]);

      const node = await signedInByPage();
      const plain = await on.call("auth.signOut", undefined, { authorization: `Bearer ${node.token}` });
      expect(plain.status).toBe(200);
      expect(plain.setCookies).toEqual([]);
    });

    it("auth.sessions.revoke of the caller's own session; of another one, no Set-Cookie", async () => {
      const page = await signedInByPage();
      const other = await on.call("auth.signIn", credentialsOf(page.user));
      const otherId = h.sessionIdOf(String(other.data?.refreshToken));
      const bearer = { ...fromPage(), authorization: `Bearer ${page.token}` };

      const revokeOther = await on.call("auth.sessions.revoke", { id: otherId }, bearer);
      expect(revokeOther.status).toBe(200);
      expect(revokeOther.setCookies).toEqual([]);

      const revokeOwn = await on.call("auth.sessions.revoke", { id: h.sessionIdOf(page.refreshToken) }, bearer);
      expect(revokeOwn.status).toBe(200);
      expect(revokeOwn.setCookies).toEqual([clearedCookie]);
    });

    it("users.revokeSessions of the admin's own account", async () => {
      const admin = await h.createUser({ roles: ["admin"] });
      const signIn = await on.call("auth.signIn", credentialsOf(admin), fromPage());
      const bearer = { ...fromPage(), authorization: `Bearer ${String(signIn.data?.token)}` };
      const revoked = await on.call("users.revokeSessions", { id: admin.id }, bearer);
      expect(revoked.status).toBe(200);
      expect(revoked.setCookies).toEqual([clearedCookie]);
    });

    it("users.delete of the admin's own account (another admin stays)", async () => {
      await h.createUser({ roles: ["admin"] });
      const admin = await h.createUser({ roles: ["admin"] });
      const signIn = await on.call("auth.signIn", credentialsOf(admin), fromPage());
      const bearer = { ...fromPage(), authorization: `Bearer ${String(signIn.data?.token)}` };
      const deleted = await on.call("users.delete", { id: admin.id }, bearer);
      expect(deleted.status).toBe(200);
      expect(deleted.setCookies).toEqual([clearedCookie]);
    });
  });
});
