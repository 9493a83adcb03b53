// The session link through the real client, against a listening server over HTTP: tokens kept,
// refreshed once when the server says the session needs it, and forgotten when it has ended.
// The server runs in this process on the test harness, so its clock is the harness's: a test
// expires access tokens by moving h.clock, not by faking the process's Date.
import { setTimeout as sleep } from "node:timers/promises";

import { credentialsOf, useTestServer } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { describe, expect, it } from "vitest";

import { createClient, createMemoryTokenStore, type StoredSession, type TokenStore } from "./index.js";

const api = useTestServer();
const { h } = api;
const sixteenMinutes = 16 * 60 * 1000;
const createAdmin = () => h.createUser({ roles: ["admin", "user"] });

/** The session the store holds, refresh token included (body mode); the test fails here if it holds none. */
function storedSession(store: TokenStore): Required<StoredSession> {
  const session = store.get();
  if (!session?.refreshToken) throw new Error("the token store holds no session with a refresh token");
  return { token: session.token, refreshToken: session.refreshToken };
}

/** The URL a fetch is for, whichever form it was given in. */
const urlOf = (input: string | URL | Request) => (input instanceof Request ? input.url : input.toString());

describe("transparent refresh", () => {
  it("an expired access token is refreshed once, for all concurrent calls, and the calls succeed", async () => {
    const admin = await createAdmin();
    const tokenStore = createMemoryTokenStore();
    let refreshCalls = 0; // the procedure calls, batched or not: the server's grace window would hide extra ones
    const countingFetch: typeof fetch = (input, init) => {
      const path = new URL(urlOf(input)).pathname;
      refreshCalls += path.split(/[/,]/).filter((name) => name === "auth.refresh").length;
      return fetch(input, init);
    };
    const client = createClient({ url: api.url, tokenStore, fetch: countingFetch });
    await client.auth.signIn.mutate(credentialsOf(admin));
    const before = storedSession(tokenStore);

    h.clock.advance(sixteenMinutes);
    const results = await Promise.all(Array.from({ length: 5 }, () => client.auth.me.query()));
    expect(results.every((me) => me.email === admin.email)).toBe(true);

    const after = storedSession(tokenStore);
    expect(after.token).not.toBe(before.token);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    const session = await h.deps.prisma.session.findUniqueOrThrow({
      where: { id: h.sessionIdOf(before.refreshToken) },
    });
    expect(session.refreshGeneration).toBe(1); // one refresh for five calls
    expect(refreshCalls).toBe(1);
  });

  it("when the session is gone, the store is cleared, onSessionEnd fires once and the call fails", async () => {
    const [admin, carol] = [await createAdmin(), await h.createUser()];
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    const client = createClient({ url: api.url, tokenStore, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate(credentialsOf(carol));
    const adminClient = createClient({ url: api.url });
    await adminClient.auth.signIn.mutate(credentialsOf(admin));
    await expect(client.auth.me.query()).resolves.toMatchObject({ id: carol.id });
    await adminClient.users.revokeSessions.mutate({ id: carol.id });

    const codes = await Promise.all([codeOf(client.auth.me.query()), codeOf(client.auth.sessions.list.query())]);
    expect(codes).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
    expect(sessionEnds).toBe(1);
    expect(tokenStore.get()).toBeNull();
  });

  it("a wrong current password is neither refreshed nor retried (it is not an expired token)", async () => {
    const carol = await h.createUser();
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    const client = createClient({ url: api.url, tokenStore, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate(credentialsOf(carol));
    const before = tokenStore.get();

    expect(
      await codeOf(
        client.auth.changePassword.mutate({ currentPassword: "not-carols-password", newPassword: "new passphrase" }),
      ),
    ).toBe("UNAUTHORIZED");
    expect(tokenStore.get()).toEqual(before);
    // exactly one attempt reached the server: no retry
    expect(
      await h.deps.prisma.auditEvent.count({
        where: { action: "password_change", outcome: "failure", actorId: carol.id },
      }),
    ).toBe(1);
    expect(sessionEnds).toBe(0);
  });

  it("signing out with an expired access token still ends the session on the server", async () => {
    const admin = await createAdmin();
    const tokenStore = createMemoryTokenStore();
    const client = createClient({ url: api.url, tokenStore });
    await client.auth.signIn.mutate(credentialsOf(admin));
    const { refreshToken } = storedSession(tokenStore);
    h.clock.advance(sixteenMinutes);
    await expect(client.auth.signOut.mutate()).resolves.toEqual({ success: true });
    expect(tokenStore.get()).toBeNull();
    const stranger = createClient({ url: api.url });
    expect(await codeOf(stranger.auth.refresh.mutate({ refreshToken }))).toBe("UNAUTHORIZED");
  });

  it("a refresh that fails for another reason than the session keeps the session", async () => {
    const admin = await createAdmin();
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    let isServerDown = false;
    const flakyFetch: typeof fetch = async (input, init) => {
      if (isServerDown && urlOf(input).includes("auth.refresh")) {
        // what the API answers while Postgres is away
        const error = {
          json: {
            message: "A backing service is unavailable",
            code: -32603,
            data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 },
          },
        };
        return new Response(JSON.stringify([{ error }]), {
          status: 503,
          headers: { "content-type": "application/json" },
        });
      }
      return fetch(input, init);
    };
    const client = createClient({ url: api.url, tokenStore, fetch: flakyFetch, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate(credentialsOf(admin));
    h.clock.advance(sixteenMinutes);
    isServerDown = true;
    expect(await codeOf(client.auth.me.query())).toBe("SERVICE_UNAVAILABLE");
    // a sign-out during the outage fails visibly and keeps the tokens for a later try
    expect(await codeOf(client.auth.signOut.mutate())).toBe("SERVICE_UNAVAILABLE");
    expect(sessionEnds).toBe(0);
    expect(tokenStore.get()).not.toBeNull();
    isServerDown = false;
    await expect(client.auth.me.query()).resolves.toMatchObject({ email: admin.email });
  });

  it("an aborted call settles at once, even while its refresh is pending", async () => {
    const admin = await createAdmin();
    let releaseRefresh = () => {};
    const slowFetch: typeof fetch = async (input, init) => {
      if (urlOf(input).includes("auth.refresh")) await new Promise<void>((resolve) => (releaseRefresh = resolve));
      return fetch(input, init);
    };
    const client = createClient({ url: api.url, fetch: slowFetch });
    await client.auth.signIn.mutate(credentialsOf(admin));
    h.clock.advance(sixteenMinutes);
    const controller = new AbortController();
    const call = client.auth.me.query(undefined, { signal: controller.signal }).then(
      () => "resolved",
      (error: unknown) => (error instanceof Error ? error.message : "not an Error"),
    );
    await sleep(100);
    controller.abort();
    expect(await call).toMatch(/aborted/);
    releaseRefresh();
  });
});
