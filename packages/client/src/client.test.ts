// The real client against a listening server over HTTP: what a React or Node app does.
import { seedAdmin } from "@platform/api";
import { buildServer, createTestHarness, type TestHarness } from "@platform/api/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { createClient, createMemoryTokenStore, type RouterOutputs, TRPCClientError } from "./index.js";

const admin = { email: "admin@example.com", password: "correct-horse-battery-staple" };
let h: TestHarness;
let server: Awaited<ReturnType<typeof buildServer>>;
let url: string;

beforeAll(async () => {
  h = await createTestHarness();
  await seedAdmin(h.deps.prisma, admin);
  await h.createUser({ email: "carol@example.com", password: "carol-password-1" });
  server = await buildServer(h.deps);
  const address = await server.listen({ host: "127.0.0.1", port: 0 });
  url = `${address}/trpc`;
});
afterAll(async () => {
  await server.close();
  await h.close();
});

const codeOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { code?: string } | undefined)?.code;
    throw error;
  }
  return "no error";
};

describe("createClient over HTTP", () => {
  it("signs in, keeps the token, lists users as admin, and forgets the token on sign-out", async () => {
    const tokenStore = createMemoryTokenStore();
    const client = createClient({ url, tokenStore });
    expect(await codeOf(client.auth.me.query())).toBe("UNAUTHORIZED");

    const { user } = await client.auth.signIn.mutate(admin);
    expect(user.roles).toContain("admin");
    const session = tokenStore.get();
    expect(session?.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const me = await client.auth.me.query();
    expect(me.email).toBe(admin.email);
    expect(me.createdAt).toBeInstanceOf(Date); // superjson keeps dates

    const page: RouterOutputs["users"]["list"] = await client.users.list.query();
    expect(page.items.map((u) => u.email)).toEqual(expect.arrayContaining([admin.email, "carol@example.com"]));

    await client.auth.signOut.mutate();
    expect(tokenStore.get()).toBeNull();
    // the old tokens are dead everywhere, not just forgotten by this client
    const stale = createClient({ url, tokenStore: createMemoryTokenStore(session) });
    expect(await codeOf(stale.auth.me.query())).toBe("UNAUTHORIZED");
  });

  it("a plain user is FORBIDDEN on users.list; bad credentials are UNAUTHORIZED 'invalid credentials'", async () => {
    const client = createClient({ url });
    await client.auth.signIn.mutate({ email: "carol@example.com", password: "carol-password-1" });
    expect(await codeOf(client.users.list.query())).toBe("FORBIDDEN");

    const error = await client.auth.signIn
      .mutate({ email: "carol@example.com", password: "wrong-password" })
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
    const client = createClient({ url });
    await client.auth.signIn.mutate(admin);
    const { items } = await client.users.list.query();
    const ids = Array.from({ length: 40 }, (_, i) => items[i % items.length]!.id);
    const users = await Promise.all(ids.map((id) => client.users.findById.query(id)));
    expect(users.map((u) => u.id)).toEqual(ids);
  });
});

describe("transparent refresh", () => {
  afterEach(() => vi.useRealTimers());
  const sixteenMinutes = 16 * 60 * 1000;

  it("an expired access token is refreshed once, for all concurrent calls, and the calls succeed", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const tokenStore = createMemoryTokenStore();
    const client = createClient({ url, tokenStore });
    await client.auth.signIn.mutate(admin);
    const before = tokenStore.get()!;

    vi.setSystemTime(Date.now() + sixteenMinutes);
    const results = await Promise.all(Array.from({ length: 5 }, () => client.auth.me.query()));
    expect(results.every((me) => me.email === admin.email)).toBe(true);

    const after = tokenStore.get()!;
    expect(after.token).not.toBe(before.token);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    const [sessionId] = before.refreshToken.split(".");
    const session = await h.deps.prisma.session.findUniqueOrThrow({ where: { id: sessionId! } });
    expect(session.refreshGeneration).toBe(1); // one refresh for five calls
  });

  it("when the session is gone, the store is cleared, onSessionEnd fires once and the call fails", async () => {
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    const client = createClient({ url, tokenStore, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate({ email: "carol@example.com", password: "carol-password-1" });
    const adminClient = createClient({ url });
    await adminClient.auth.signIn.mutate(admin);
    const carol = await client.auth.me.query();
    await adminClient.users.revokeSessions.mutate({ id: carol.id });

    const codes = await Promise.all([codeOf(client.auth.me.query()), codeOf(client.auth.sessions.list.query())]);
    expect(codes).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
    expect(sessionEnds).toBe(1);
    expect(tokenStore.get()).toBeNull();
  });

  it("a wrong current password is neither refreshed nor retried (it is not an expired token)", async () => {
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    const client = createClient({ url, tokenStore, onSessionEnd: () => sessionEnds++ });
    await client.auth.signIn.mutate({ email: "carol@example.com", password: "carol-password-1" });
    const before = tokenStore.get()!;
    const failuresBefore = await h.deps.prisma.auditEvent.count({
      where: { action: "password_change", outcome: "failure" },
    });

    expect(
      await codeOf(
        client.auth.changePassword.mutate({ currentPassword: "not-carols-password", newPassword: "new passphrase" }),
      ),
    ).toBe("UNAUTHORIZED");
    expect(tokenStore.get()).toEqual(before);
    expect(await h.deps.prisma.auditEvent.count({ where: { action: "password_change", outcome: "failure" } })).toBe(
      failuresBefore + 1,
    );
    expect(sessionEnds).toBe(0);
  });

  it("signing out with an expired access token still ends the session on the server", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const tokenStore = createMemoryTokenStore();
    const client = createClient({ url, tokenStore });
    await client.auth.signIn.mutate(admin);
    const { refreshToken } = tokenStore.get()!;
    vi.setSystemTime(Date.now() + sixteenMinutes);
    await expect(client.auth.signOut.mutate()).resolves.toEqual({ success: true });
    expect(tokenStore.get()).toBeNull();
    const stranger = createClient({ url });
    expect(await codeOf(stranger.auth.refresh.mutate({ refreshToken }))).toBe("UNAUTHORIZED");
  });

  it("a refresh that fails for another reason than the session keeps the session", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    let isServerDown = false;
    const flakyFetch: typeof fetch = async (input, init) => {
      if (isServerDown && String(input).includes("auth.refresh")) {
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
    await client.auth.signIn.mutate(admin);
    vi.setSystemTime(Date.now() + sixteenMinutes);
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
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    let releaseRefresh = () => {};
    const slowFetch: typeof fetch = async (input, init) => {
      if (String(input).includes("auth.refresh")) await new Promise<void>((resolve) => (releaseRefresh = resolve));
      return fetch(input, init);
    };
    const client = createClient({ url, fetch: slowFetch });
    await client.auth.signIn.mutate(admin);
    vi.setSystemTime(Date.now() + sixteenMinutes);
    const controller = new AbortController();
    const call = client.auth.me.query(undefined, { signal: controller.signal }).then(
      () => "resolved",
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(await call).toMatch(/aborted/);
    releaseRefresh();
  });
});
