// What the client sends and keeps in each mode, against a fake API behind a fetch spy (the real
// server's cookie is tested against it, and in a browser, elsewhere): cookie mode sends every
// request with the browser's cookies and `x-refresh-token: cookie`, keeps no refresh token, and
// renews or resumes with `{}`; body mode stays as it was.
import { describe, expect, it } from "vitest";

import {
  createClient,
  createMemoryTokenStore,
  type IdentityClient,
  resumeSession,
  type TokenStore,
  TRPCClientError,
} from "./index.js";
import { type Answer, fakeApi, fakeUrl as url, unauthorized } from "./test-support/fake-api.js";

type FakeApi = ReturnType<typeof fakeApi>;

const user = { id: "u1", email: "ann@example.com", roles: ["user"] };
const me = (token: string) => (_: unknown, call: { headers: Headers }) =>
  call.headers.get("authorization") === `Bearer ${token}` ? { data: user } : unauthorized("session");
const signIn = (answer: Record<string, unknown>) => () => ({ data: { ...answer, user } });

/** A cookie-mode client on the fake API, and how many times it has said its session ended. */
function cookieClient(api: FakeApi, tokenStore: TokenStore) {
  let ends = 0;
  const onSessionEnd = () => {
    ends++;
  };
  const client = createClient({ url, refreshTokenIn: "cookie", fetch: api.fetch, tokenStore, onSessionEnd });
  return { client, sessionEnds: () => ends };
}

describe("refreshTokenIn: cookie", () => {
  it("sends every request with the browser's cookies and the x-refresh-token: cookie header", async () => {
    const api = fakeApi({ "auth.signIn": signIn({ token: "a1" }), "auth.me": me("a1") });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch: api.fetch, headers: { "x-app": "web" } });
    await client.auth.signIn.mutate({ email: user.email, password: "correct horse" });
    await client.auth.me.query();
    expect(api.calls.map((call) => call.path)).toEqual(["auth.signIn", "auth.me"]);
    for (const call of api.calls) {
      expect(call.credentials).toBe("include");
      expect(call.headers.get("x-refresh-token")).toBe("cookie");
      expect(call.headers.get("x-app")).toBe("web"); // the caller's headers still go
    }
  });

  it("keeps only the access token, even when a server without the cookie answers a refresh token", async () => {
    const tokenStore = createMemoryTokenStore();
    const api = fakeApi({ "auth.signIn": signIn({ token: "a1", refreshToken: "r1" }) });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch: api.fetch, tokenStore });
    await client.auth.signIn.mutate({ email: user.email, password: "correct horse" });
    expect(tokenStore.get()).toStrictEqual({ token: "a1" });
  });

  it("renews an expired access token with auth.refresh({}) and retries the call with the new one", async () => {
    const tokenStore = createMemoryTokenStore({ token: "old" });
    const api = fakeApi({ "auth.me": me("new"), "auth.refresh": () => ({ data: { token: "new" } }) });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch: api.fetch, tokenStore });
    await expect(client.auth.me.query()).resolves.toEqual(user);
    const [refresh] = api.callsTo("auth.refresh");
    expect(refresh?.input).toStrictEqual({}); // the server reads the refresh token from its cookie
    expect(refresh?.credentials).toBe("include");
    expect(refresh?.headers.get("authorization")).toBeNull();
    expect(api.callsTo("auth.me").map((call) => call.headers.get("authorization"))).toEqual([
      "Bearer old",
      "Bearer new",
    ]);
    expect(tokenStore.get()).toStrictEqual({ token: "new" });
  });

  it("a refused refresh ends the session: store cleared, onSessionEnd once, the call fails", async () => {
    const tokenStore = createMemoryTokenStore({ token: "old" });
    const api = fakeApi({ "auth.me": me("new"), "auth.refresh": () => unauthorized() });
    const { client, sessionEnds } = cookieClient(api, tokenStore);
    await expect(client.auth.me.query()).rejects.toThrow(TRPCClientError);
    expect(tokenStore.get()).toBeNull();
    expect(sessionEnds()).toBe(1);
  });
});

describe("resumeSession", () => {
  it("cookie mode: asks auth.refresh({}) and keeps the access token it answers", async () => {
    const tokenStore = createMemoryTokenStore();
    const api = fakeApi({ "auth.refresh": () => ({ data: { token: "a1" } }) });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch: api.fetch, tokenStore });
    expect(await resumeSession(client)).toBe(true);
    expect(tokenStore.get()).toStrictEqual({ token: "a1" });
    expect(api.callsTo("auth.refresh").map((call) => [call.input, call.credentials])).toEqual([[{}, "include"]]);
  });

  it("cookie mode: no session on the server is false and an empty store, without onSessionEnd (nothing ended)", async () => {
    const tokenStore = createMemoryTokenStore();
    const api = fakeApi({ "auth.refresh": () => unauthorized() });
    const { client, sessionEnds } = cookieClient(api, tokenStore);
    expect(await resumeSession(client)).toBe(false);
    expect(tokenStore.get()).toBeNull();
    expect(sessionEnds()).toBe(0);
  });

  it("cookie mode: a stored access token whose session has ended is cleared, and onSessionEnd says so", async () => {
    const tokenStore = createMemoryTokenStore({ token: "stale" });
    const api = fakeApi({ "auth.refresh": () => unauthorized() });
    const { client, sessionEnds } = cookieClient(api, tokenStore);
    expect(await resumeSession(client)).toBe(false);
    expect(tokenStore.get()).toBeNull();
    expect(sessionEnds()).toBe(1);
  });

  it("cookie mode: a server that is away rejects (it says nothing about the session) and keeps the store", async () => {
    const tokenStore = createMemoryTokenStore({ token: "a1" });
    const away: Answer = { error: { code: "SERVICE_UNAVAILABLE", message: "A backing service is unavailable" } };
    const api = fakeApi({ "auth.refresh": () => away });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch: api.fetch, tokenStore });
    await expect(resumeSession(client)).rejects.toThrow("A backing service is unavailable");
    expect(tokenStore.get()).toStrictEqual({ token: "a1" });
  });

  it("cookie mode: concurrent resumes share one refresh (two with one cookie would look like a stolen token)", async () => {
    const api = fakeApi({ "auth.refresh": () => ({ data: { token: "a1" } }) });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch: api.fetch });
    expect(await Promise.all([resumeSession(client), resumeSession(client)])).toEqual([true, true]);
    expect(api.callsTo("auth.refresh")).toHaveLength(1);
  });

  it("body mode: says whether the store holds a session, without a request", async () => {
    const api = fakeApi({});
    const empty = createClient({ url, fetch: api.fetch });
    const restored = createClient({
      url,
      fetch: api.fetch,
      tokenStore: createMemoryTokenStore({ token: "a1", refreshToken: "r1" }),
    });
    expect(await resumeSession(empty)).toBe(false);
    expect(await resumeSession(restored)).toBe(true);
    expect(api.calls).toEqual([]);
  });

  it("throws for a client createClient did not make", () => {
    expect(() => resumeSession({} as IdentityClient)).toThrow(/made by createClient/);
  });
});

describe("refreshTokenIn: body (the default)", () => {
  it("sends neither the browser's cookies nor the cookie header, and keeps the refresh token", async () => {
    const tokenStore = createMemoryTokenStore();
    const api = fakeApi({ "auth.signIn": signIn({ token: "a1", refreshToken: "r1" }), "auth.me": me("a1") });
    const client = createClient({ url, fetch: api.fetch, tokenStore });
    await client.auth.signIn.mutate({ email: user.email, password: "correct horse" });
    await client.auth.me.query();
    for (const call of api.calls) {
      expect(call.credentials).toBeUndefined();
      expect(call.headers.has("x-refresh-token")).toBe(false);
    }
    expect(tokenStore.get()).toStrictEqual({ token: "a1", refreshToken: "r1" });
  });

  it("renews with the stored refresh token", async () => {
    const tokenStore = createMemoryTokenStore({ token: "old", refreshToken: "r1" });
    const api = fakeApi({
      "auth.me": me("new"),
      "auth.refresh": () => ({ data: { token: "new", refreshToken: "r2" } }),
    });
    const client = createClient({ url, fetch: api.fetch, tokenStore });
    await expect(client.auth.me.query()).resolves.toEqual(user);
    expect(api.callsTo("auth.refresh").map((call) => call.input)).toEqual([{ refreshToken: "r1" }]);
    expect(tokenStore.get()).toStrictEqual({ token: "new", refreshToken: "r2" });
  });

  it("a stored session without a refresh token cannot be renewed: it ends without asking the server", async () => {
    const tokenStore = createMemoryTokenStore({ token: "old" });
    let sessionEnds = 0;
    const api = fakeApi({
      "auth.me": me("new"),
      "auth.refresh": () => ({ data: { token: "new", refreshToken: "r2" } }),
    });
    const client = createClient({ url, fetch: api.fetch, tokenStore, onSessionEnd: () => sessionEnds++ });
    await expect(client.auth.me.query()).rejects.toThrow(TRPCClientError);
    expect(api.callsTo("auth.refresh")).toEqual([]);
    expect(tokenStore.get()).toBeNull();
    expect(sessionEnds).toBe(1);
  });
});
