// The real client against a listening server over HTTP: what a React or Node app does.
// The server runs in this process on the test harness, so its clock is the harness's: a test
// expires access tokens by moving h.clock, not by faking the process's Date.
import { setTimeout as sleep } from "node:timers/promises";

import { buildServer } from "@platform/api";
import { useTestHarness } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createClient,
  createMemoryTokenStore,
  type RouterOutputs,
  type StoredSession,
  type TokenStore,
  TRPCClientError,
} from "./index.js";

const h = useTestHarness();
let server: Awaited<ReturnType<typeof buildServer>>;
let url: string;

beforeAll(async () => {
  server = await buildServer(h.deps);
  const address = await server.listen({ host: "127.0.0.1", port: 0 });
  url = `${address}/trpc`;
});
afterAll(() => server.close());

const sixteenMinutes = 16 * 60 * 1000;
const credentials = ({ email, password }: { email: string; password: string }) => ({ email, password });
const createAdmin = () => h.createUser({ roles: ["admin", "user"] });

/** The session the store holds; the test fails here if it holds none. */
function storedSession(store: TokenStore): StoredSession {
  const session = store.get();
  if (!session) throw new Error("the token store holds no session");
  return session;
}

/** The URL a fetch is for, whichever form it was given in. */
const urlOf = (input: string | URL | Request) => (input instanceof Request ? input.url : input.toString());

describe("createClient over HTTP", () => {
  it("signs in, keeps the token, lists users as admin, and forgets the token on sign-out", async () => {
    const [admin, carol] = [await createAdmin(), await h.createUser()];
    const tokenStore = createMemoryTokenStore();
    const client = createClient({ url, tokenStore });
    expect(await codeOf(client.auth.me.query())).toBe("UNAUTHORIZED");

    const { user } = await client.auth.signIn.mutate(credentials(admin));
    expect(user.roles).toContain("admin");
    const session = storedSession(tokenStore);
    expect(session.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const me = await client.auth.me.query();
    expect(me.email).toBe(admin.email);
    expect(me.createdAt).toBeInstanceOf(Date); // superjson keeps dates

    const page: RouterOutputs["users"]["list"] = await client.users.list.query();
    expect(page.items.map((u) => u.email)).toEqual(expect.arrayContaining([admin.email, carol.email]));

    await client.auth.signOut.mutate();
    expect(tokenStore.get()).toBeNull();
    // the old tokens are dead everywhere, not just forgotten by this client
    const stale = createClient({ url, tokenStore: createMemoryTokenStore(session) });
    expect(await codeOf(stale.auth.me.query())).toBe("UNAUTHORIZED");
  });

  it("a plain user is FORBIDDEN on users.list; bad credentials are UNAUTHORIZED 'invalid credentials'", async () => {
    const carol = await h.createUser();
    const client = createClient({ url });
    await client.auth.signIn.mutate(credentials(carol));
    expect(await codeOf(client.users.list.query())).toBe("FORBIDDEN");

    const error = await client.auth.signIn
      .mutate({ email: carol.email, password: "wrong-password" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).message).toBe("invalid credentials");
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
  });

  it("bad input is BAD_REQUEST with a message a person can read", async () => {
    const client = createClient({ url });
    const error = await client.auth.signIn
      .mutate({ email: "no-at-sign", password: "long-enough-pw" })
      .catch((e: unknown) => e);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as TRPCClientError<never>).message).toMatch(/valid email/);
  });

  it("batches many calls into one request (long batch URLs are accepted)", async () => {
    const admin = await createAdmin();
    const others = [await h.createUser(), await h.createUser()];
    const client = createClient({ url });
    await client.auth.signIn.mutate(credentials(admin));
    const userIds = [admin, ...others].map((user) => user.id);
    const ids = Array.from({ length: 14 }, () => userIds)
      .flat()
      .slice(0, 40);
    const users = await Promise.all(ids.map((id) => client.users.findById.query(id)));
    expect(users.map((u) => u.id)).toEqual(ids);
  });
});

describe("transparent refresh", () => {
  it("an expired access token is refreshed once, for all concurrent calls, and the calls succeed", async () => {
    const admin = await createAdmin();
    const tokenStore = createMemoryTokenStore();
    const client = createClient({ url, tokenStore });
    await client.auth.signIn.mutate(credentials(admin));
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
  });

  it("when the session is gone, the store is cleared, onSessionEnd fires once and the call fails", async () => {
    const [admin, carol] = [await createAdmin(), await h.createUser()];
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    const client = createClient({ url, tokenStore, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate(credentials(carol));
    const adminClient = createClient({ url });
    await adminClient.auth.signIn.mutate(credentials(admin));
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
    const client = createClient({ url, tokenStore, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate(credentials(carol));
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
    const client = createClient({ url, tokenStore });
    await client.auth.signIn.mutate(credentials(admin));
    const { refreshToken } = storedSession(tokenStore);
    h.clock.advance(sixteenMinutes);
    await expect(client.auth.signOut.mutate()).resolves.toEqual({ success: true });
    expect(tokenStore.get()).toBeNull();
    const stranger = createClient({ url });
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
    const client = createClient({ url, tokenStore, fetch: flakyFetch, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate(credentials(admin));
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
    const client = createClient({ url, fetch: slowFetch });
    await client.auth.signIn.mutate(credentials(admin));
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
