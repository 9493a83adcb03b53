// When the client may forget its session, against a fake API behind a fetch spy:
//  - a sign-out that did not reach the server (network, 503, 429) keeps the session and rejects:
//    in cookie mode only the server can clear the HttpOnly refresh cookie, so a session forgotten
//    here would come back on the next page load (resumeSession) for whoever uses the browser next;
//    in body mode the session would stay live on the server. Only an answer that the session is
//    already gone (UNAUTHORIZED) is a sign-out that worked;
//  - a refresh that answers after the session was signed out (here, or in another tab through the
//    browser store) does not put it back.
import { describe, expect, it } from "vitest";

import {
  createClient,
  createMemoryTokenStore,
  type RefreshTokenIn,
  resumeSession,
  type StoredSession,
  TRPCClientError,
} from "./index.js";
import { type Answer, fakeApi, fakeUrl as url, unauthorized } from "./test-support/fake-api.js";

const user = { id: "u1", email: "ann@example.com", roles: ["user"] };
const sessionIn = (mode: RefreshTokenIn): StoredSession =>
  mode === "cookie" ? { token: "a1" } : { token: "a1", refreshToken: "r1" };
const serviceUnavailable: Answer = {
  error: { code: "SERVICE_UNAVAILABLE", message: "A backing service is unavailable" },
};
const tooManyRequests: Answer = { error: { code: "TOO_MANY_REQUESTS", message: "Too many requests" } };

/** A fetch that fails as an unreachable server does (fetch's own TypeError) for `path`, and asks `api` otherwise. */
const unreachableFor =
  (path: string, api: ReturnType<typeof fakeApi>): typeof fetch =>
  (input, init) =>
    (input instanceof Request ? input.url : input.toString()).includes(path)
      ? Promise.reject(new TypeError("fetch failed"))
      : api.fetch(input, init);

describe.each(["cookie", "body"] as const)("auth.signOut, refreshTokenIn: %s", (mode) => {
  it.each([
    ["503", serviceUnavailable],
    ["429", tooManyRequests],
  ])("an answer %s keeps the session and the call rejects with it", async (_, answer) => {
    const tokenStore = createMemoryTokenStore(sessionIn(mode));
    const api = fakeApi({ "auth.signOut": () => answer });
    const client = createClient({ url, refreshTokenIn: mode, fetch: api.fetch, tokenStore });
    await expect(client.auth.signOut.mutate()).rejects.toThrow(TRPCClientError);
    expect(tokenStore.get()).toStrictEqual(sessionIn(mode));
  });

  it("a server that cannot be reached keeps the session and the call rejects", async () => {
    const tokenStore = createMemoryTokenStore(sessionIn(mode));
    const api = fakeApi({});
    const fetch = unreachableFor("auth.signOut", api);
    const client = createClient({ url, refreshTokenIn: mode, fetch, tokenStore });
    await expect(client.auth.signOut.mutate()).rejects.toThrow(/Cannot reach the API/);
    expect(tokenStore.get()).toStrictEqual(sessionIn(mode));
  });

  it("UNAUTHORIZED (the session was already gone) forgets it, and the call still rejects", async () => {
    const tokenStore = createMemoryTokenStore(sessionIn(mode));
    const api = fakeApi({ "auth.signOut": () => unauthorized() });
    const client = createClient({ url, refreshTokenIn: mode, fetch: api.fetch, tokenStore });
    await expect(client.auth.signOut.mutate()).rejects.toThrow(TRPCClientError);
    expect(tokenStore.get()).toBeNull();
  });

  it("success forgets the session", async () => {
    const tokenStore = createMemoryTokenStore(sessionIn(mode));
    const api = fakeApi({ "auth.signOut": () => ({ data: { success: true } }) });
    const client = createClient({ url, refreshTokenIn: mode, fetch: api.fetch, tokenStore });
    await expect(client.auth.signOut.mutate()).resolves.toEqual({ success: true });
    expect(tokenStore.get()).toBeNull();
  });
});

/**
 * A fake API whose auth.refresh answers `refreshed` (an access token, or a refusal) only once
 * `release()` is called; `started` resolves when the refresh has been sent.
 */
function heldRefresh(refreshed: Record<string, unknown> | Answer, handlers: Parameters<typeof fakeApi>[0] = {}) {
  const answer: Answer = "error" in refreshed ? (refreshed as Answer) : { data: refreshed };
  const api = fakeApi({ ...handlers, "auth.refresh": () => answer });
  let release = () => {};
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const fetch: typeof globalThis.fetch = async (input, init) => {
    if ((input instanceof Request ? input.url : input.toString()).includes("auth.refresh")) {
      markStarted();
      await released;
    }
    return api.fetch(input, init);
  };
  return { api, fetch, started, release };
}

describe.each(["cookie", "body"] as const)("a refresh that answers after a sign-out, refreshTokenIn: %s", (mode) => {
  const renewed = mode === "cookie" ? { token: "a2" } : { token: "a2", refreshToken: "r2" };
  const me = (_: unknown, call: { headers: Headers }): Answer =>
    call.headers.get("authorization") === "Bearer a2" ? { data: user } : unauthorized("session");

  it("leaves the store empty, and the call that needed it fails", async () => {
    const tokenStore = createMemoryTokenStore(sessionIn(mode));
    let sessionEnds = 0;
    const { fetch, started, release } = heldRefresh(renewed, { "auth.me": me });
    const onSessionEnd = () => sessionEnds++;
    const client = createClient({ url, refreshTokenIn: mode, fetch, tokenStore, onSessionEnd });
    const call = client.auth.me.query();
    await started;
    tokenStore.set(null); // signed out (in another tab: the browser store tells this one)
    release();
    await expect(call).rejects.toThrow(TRPCClientError);
    expect(tokenStore.get()).toBeNull();
    expect(sessionEnds).toBe(0); // the sign-out ended it, not this client's refresh
  });

  it("does not overwrite a session signed in meanwhile; the call retries with it", async () => {
    const tokenStore = createMemoryTokenStore(sessionIn(mode));
    const { api, fetch, started, release } = heldRefresh({ token: "stale", refreshToken: "stale" }, { "auth.me": me });
    const client = createClient({ url, refreshTokenIn: mode, fetch, tokenStore });
    const call = client.auth.me.query();
    await started;
    tokenStore.set(renewed); // signed out and in again, in another tab
    release();
    await expect(call).resolves.toEqual(user);
    expect(tokenStore.get()).toStrictEqual(renewed);
    expect(api.callsTo("auth.me").map((c) => c.headers.get("authorization"))).toEqual(["Bearer a1", "Bearer a2"]);
  });

  it("refused, does not clear a session signed in meanwhile", async () => {
    const tokenStore = createMemoryTokenStore(sessionIn(mode));
    let sessionEnds = 0;
    const { fetch, started, release } = heldRefresh(unauthorized(), { "auth.me": me });
    const onSessionEnd = () => sessionEnds++;
    const client = createClient({ url, refreshTokenIn: mode, fetch, tokenStore, onSessionEnd });
    const call = client.auth.me.query();
    await started;
    tokenStore.set(renewed);
    release();
    await expect(call).resolves.toEqual(user);
    expect(tokenStore.get()).toStrictEqual(renewed);
    expect(sessionEnds).toBe(0);
  });
});

describe("resumeSession (cookie mode) that answers after a sign-out", () => {
  it("leaves the store empty and says there is no session", async () => {
    const tokenStore = createMemoryTokenStore({ token: "a1" });
    const { fetch, started, release } = heldRefresh({ token: "a2" });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch, tokenStore });
    const resumed = resumeSession(client);
    await started;
    tokenStore.set(null);
    release();
    expect(await resumed).toBe(false);
    expect(tokenStore.get()).toBeNull();
  });

  it("from an empty store, stores the session only if the store is still empty", async () => {
    const tokenStore = createMemoryTokenStore();
    const { fetch, started, release } = heldRefresh({ token: "a2" });
    const client = createClient({ url, refreshTokenIn: "cookie", fetch, tokenStore });
    const resumed = resumeSession(client);
    await started;
    tokenStore.set({ token: "signed-in-meanwhile" });
    release();
    expect(await resumed).toBe(true); // there is a session: the newer one
    expect(tokenStore.get()).toStrictEqual({ token: "signed-in-meanwhile" });
  });
});
