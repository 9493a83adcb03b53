// Failures between the steps of a security change, on real links: a TCP proxy in front of Redis
// and Postgres (test-support/tcp-proxy.ts) resets the connection on the very write that matters.
// Instance A is the one whose link breaks; instance B shares its database and registry over links
// that work (another API instance, or a specialist app reading the registry). After each failure
// the test checks, on both, what every token can still do.
// Required: no revoked session, removed role, changed password or deleted user is honoured beyond
// the bound (one drain interval, 1 s, once Redis takes writes again: asserted as 4 s to allow for
// ioredis reconnecting after the reset), the caller's answer matches what happened, and every
// change is audited exactly once.
import { createRedisSessionRegistry, hashPassword } from "@platform/auth";
import { codeOf } from "@platform/auth/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createCaller } from "./caller.js";
import { type ApiDeps, createDeps, createSignInLimiters } from "./deps.js";
import { openRedis } from "./redis-connection.js";
import { startRegistryOutboxDrainer } from "./registry-outbox.js";
import { captureLogs } from "./test-support/capture-logs.js";
import { bodyRefreshToken, testConfig, uniqueEmail } from "./test-support/harness.js";
import { startPrivateRedis } from "./test-support/private-redis.js";
import { createProxiedDeps, type ProxiedDeps } from "./test-support/proxied-deps.js";

const repairBoundMs = 4_000;
const redisUrl = process.env.REDIS_URL;
const hasServices = Boolean(redisUrl && process.env.DATABASE_URL);
const password = "a passphrase for failures";
// a spent refresh token is a replay at once (no grace window), so reuse detection can be provoked
const config = testConfig({ REFRESH_REUSE_GRACE_SECONDS: "0" });
const logs = captureLogs("warn");

let proxied: ProxiedDeps;
let a: ApiDeps;
let b: ApiDeps;
let stopDraining: () => void;

beforeAll(async () => {
  if (!hasServices || !redisUrl) return;
  proxied = await createProxiedDeps(config, logs.logger);
  a = proxied.deps;
  b = createDeps({
    config,
    prisma: proxied.database.prisma,
    registry: createRedisSessionRegistry({ redis: new Redis(redisUrl), keyPrefix: proxied.keyPrefix }),
    signInLimiters: createSignInLimiters(config.signInLimits),
    logger: logs.logger,
  });
  stopDraining = startRegistryOutboxDrainer(a); // the production interval
}, 60_000);

afterAll(async () => {
  if (!hasServices) return;
  stopDraining();
  await b.registry.close();
  await proxied.close();
});

// each test starts on links that work (ioredis reconnects on its own after a reset)
beforeEach(async () => {
  if (!hasServices) return;
  await expect
    .poll(
      () =>
        a.registry.ping().then(
          () => true,
          () => false,
        ),
      { timeout: 10_000 },
    )
    .toBe(true);
  logs.lines.length = 0;
});
afterEach(() => {
  expect(logs.at("error")).toEqual([]);
});

const on = (deps: ApiDeps, token?: string) => createCaller(deps, token ? { authorization: `Bearer ${token}` } : {});

async function signedInUser(roles = ["user"]) {
  const email = uniqueEmail("failures");
  const user = await a.prisma.user.create({
    data: { email, name: "failures", roles, passwordHash: await hashPassword(password) },
    select: { id: true },
  });
  const session = await on(a).auth.signIn({ email, password });
  return { id: user.id, email, ...session };
}

const sessionIdOf = (refreshToken: string | undefined) =>
  b.refreshTokens.read(bodyRefreshToken(refreshToken))?.sessionId ?? "";
const pendingWrites = (userId: string) => b.prisma.registryOutbox.count({ where: { userId } });
/** The call's registry write did fail (said before it answered): what follows is the outbox's doing. */
const expectRegistryWriteFailed = () => {
  expect(logs.at("warn").map(({ msg }) => msg)).toContain(
    "registry write failed after its change was committed; the outbox drainer retries it every second",
  );
};
const auditRows = (action: string, userId: string) =>
  b.prisma.auditEvent.count({ where: { action, OR: [{ actorId: userId }, { subjectId: userId }] } });

/** Until `check` passes on the next calls, within the bound (polled, not slept). */
const withinBound = (check: () => Promise<unknown>) =>
  expect.poll(check, { timeout: repairBoundMs, interval: 50 }).toBe(true);
// not auth.me, which refuses a deleted user's token whatever the registry says
const isRefused = async (deps: ApiDeps, token: string) =>
  (await codeOf(on(deps, token).auth.sessions.list())) === "UNAUTHORIZED";
const bothRefuse = async (token: string) => (await isRefused(a, token)) && (await isRefused(b, token));

describe.skipIf(!hasServices)("the registry write after a committed change fails (the link to Redis resets)", () => {
  it("users.revokeSessions: the answer says revoked, and within the bound no token of the user works", async () => {
    const root = await signedInUser(["admin", "user"]);
    const victim = await signedInUser();
    const second = await on(a).auth.signIn({ email: victim.email, password });
    proxied.redisProxy?.resetWhen("client", "revoked");
    expect(await on(a, root.token).users.revokeSessions({ id: victim.id })).toEqual({ revokedSessions: 2 });
    expectRegistryWriteFailed();

    await withinBound(async () => (await bothRefuse(victim.token)) && (await bothRefuse(second.token)));
    expect(await codeOf(on(b).auth.refresh({ refreshToken: second.refreshToken }))).toBe("UNAUTHORIZED");
    expect(await pendingWrites(victim.id)).toBe(0);
    expect(await auditRows("session_revoke", victim.id)).toBe(1);
  });

  it("users.setRoles: a demoted admin loses the role within the bound, refreshed tokens included", async () => {
    const root = await signedInUser(["admin", "user"]);
    const demoted = await signedInUser(["admin", "user"]);
    proxied.redisProxy?.resetWhen("client", `{${demoted.id}}:roles`);
    const answer = await on(a, root.token).users.setRoles({ id: demoted.id, roles: ["user"] });
    expect(answer.roles).toEqual(["user"]);
    expectRegistryWriteFailed();

    const isForbidden = async (token: string) =>
      (await codeOf(on(a, token).users.list())) === "FORBIDDEN" &&
      (await codeOf(on(b, token).users.list())) === "FORBIDDEN";
    await withinBound(() => isForbidden(demoted.token));
    const refreshed = await on(a).auth.refresh({ refreshToken: demoted.refreshToken });
    expect(await isForbidden(refreshed.token)).toBe(true);
    const repromote = on(b, refreshed.token).users.setRoles({ id: demoted.id, roles: ["admin", "user"] });
    expect(await codeOf(repromote)).toBe("FORBIDDEN");
    expect(await auditRows("role_change", demoted.id)).toBe(1);
  });

  it("auth.changePassword: the other sessions end within the bound; the old password is refused at once", async () => {
    const user = await signedInUser();
    const other = await on(a).auth.signIn({ email: user.email, password });
    proxied.redisProxy?.resetWhen("client", "revoked");
    const newPassword = "an entirely new passphrase";
    const answer = await on(a, user.token).auth.changePassword({ currentPassword: password, newPassword });
    expect(answer).toEqual({ success: true, revokedSessions: 1 });
    expectRegistryWriteFailed();

    await withinBound(() => bothRefuse(other.token));
    await expect(on(b, user.token).auth.me()).resolves.toMatchObject({ id: user.id });
    expect(await codeOf(on(b).auth.signIn({ email: user.email, password }))).toBe("UNAUTHORIZED");
    expect(await auditRows("password_change", user.id)).toBe(1);
  });

  it("auth.signOut: the session ends within the bound", async () => {
    const user = await signedInUser();
    proxied.redisProxy?.resetWhen("client", "revoked");
    expect(await on(a, user.token).auth.signOut()).toEqual({ success: true });
    expectRegistryWriteFailed();
    await withinBound(() => bothRefuse(user.token));
    expect(await auditRows("sign_out", user.id)).toBe(1);
  });

  it("refresh-token reuse: the session it ends ends within the bound", async () => {
    const user = await signedInUser();
    const rotated = await on(a).auth.refresh({ refreshToken: user.refreshToken });
    proxied.redisProxy?.resetWhen("client", "revoked");
    expect(await codeOf(on(a).auth.refresh({ refreshToken: user.refreshToken }))).toBe("UNAUTHORIZED");
    expectRegistryWriteFailed();
    await withinBound(async () => (await bothRefuse(user.token)) && (await bothRefuse(rotated.token)));
    expect(await auditRows("refresh_reuse_detected", user.id)).toBe(1);
  });

  it("users.delete: the deleted user's tokens stop working within the bound", async () => {
    const root = await signedInUser(["admin", "user"]);
    const gone = await signedInUser();
    proxied.redisProxy?.resetWhen("client", "revoked");
    expect(await on(a, root.token).users.delete({ id: gone.id })).toEqual({ success: true });
    expectRegistryWriteFailed();
    await withinBound(() => bothRefuse(gone.token));
    expect(await auditRows("user_delete", gone.id)).toBe(1);
  });
});

describe.skipIf(!hasServices)("the registry write of a sign-in fails (the link to Redis resets)", () => {
  it("503, and no session is left open: nobody holds its tokens", async () => {
    const user = await signedInUser();
    proxied.redisProxy?.resetWhen("client", "live");
    expect(await codeOf(on(a).auth.signIn({ email: user.email, password }))).toBe("SERVICE_UNAVAILABLE");
    expect(await b.prisma.session.count({ where: { userId: user.id, isRevoked: false } })).toBe(1); // the first one
    await expect(on(b, user.token).auth.sessions.list()).resolves.toHaveLength(1);
  });
});

describe.skipIf(!hasServices)("the registry write of a sign-up fails (the link to Redis resets)", () => {
  it("503, and no account is left behind: the retry signs up", async () => {
    const newcomer = { email: uniqueEmail("signup"), name: "Newcomer", password };
    proxied.redisProxy?.resetWhen("client", "live");
    expect(await codeOf(on(a).auth.signUp(newcomer))).toBe("SERVICE_UNAVAILABLE");
    expect(await b.prisma.user.count({ where: { email: newcomer.email } })).toBe(0);
    await expect(on(b).auth.signUp(newcomer)).resolves.toMatchObject({ user: { email: newcomer.email } });
  });
});

describe.skipIf(!hasServices)("the link to Postgres resets at the commit", () => {
  it("before the COMMIT reaches Postgres: 503, and nothing changed anywhere", async () => {
    const root = await signedInUser(["admin", "user"]);
    const user = await signedInUser();
    proxied.postgresProxy?.resetWhen("client", "COMMIT");
    expect(await codeOf(on(a, root.token).users.revokeSessions({ id: user.id }))).toBe("SERVICE_UNAVAILABLE");

    await expect(on(b, user.token).auth.me()).resolves.toMatchObject({ id: user.id });
    expect(await b.prisma.session.count({ where: { userId: user.id, isRevoked: true } })).toBe(0);
    expect(await pendingWrites(user.id)).toBe(0);
    expect(await auditRows("session_revoke", user.id)).toBe(0);
    // and the retry the 503 asks for goes through
    expect(await on(a, root.token).users.revokeSessions({ id: user.id })).toEqual({ revokedSessions: 1 });
    await withinBound(() => bothRefuse(user.token));
  });

  it("after it commits, with its answer lost: 503, and the system completes the change within the bound", async () => {
    const root = await signedInUser(["admin", "user"]);
    const user = await signedInUser();
    proxied.postgresProxy?.resetWhen("server", "COMMIT");
    expect(await codeOf(on(a, root.token).users.revokeSessions({ id: user.id }))).toBe("SERVICE_UNAVAILABLE");

    // the change stands in Postgres; the call never got to the registry, the drainer does
    expect(await b.prisma.session.count({ where: { userId: user.id, isRevoked: true } })).toBe(1);
    await withinBound(() => bothRefuse(user.token));
    expect(await pendingWrites(user.id)).toBe(0);
    expect(await auditRows("session_revoke", user.id)).toBe(1);
  });
});

describe.skipIf(!hasServices)("Redis serves reads but refuses writes (a failover's replica, memory full)", () => {
  it("a sign-out is honoured at once where it was made and within the bound everywhere, from Postgres", async () => {
    // a server of its own: refusing writes on the shared one would break every other test file.
    // Instances one and two share it and the database; A's drainer (another Redis) must keep out.
    stopDraining();
    const privateRedis = await startPrivateRedis();
    const instances = await Promise.all(
      ["one", "two"].map(async () => {
        const redis = await openRedis(privateRedis.url, logs.logger);
        const deps = createDeps({
          config,
          prisma: b.prisma,
          registry: createRedisSessionRegistry({ redis, keyPrefix: proxied.keyPrefix }),
          signInLimiters: b.signInLimiters,
          logger: logs.logger,
        });
        return { deps, stop: startRegistryOutboxDrainer(deps) };
      }),
    );
    const [one, two] = instances.map(({ deps }) => deps) as [ApiDeps, ApiDeps];
    try {
      const signIn = (email: string) => on(one).auth.signIn({ email, password });
      const [leaving, staying] = [await signedInUser(), await signedInUser()];
      const [session, other] = [await signIn(leaving.email), await signIn(staying.email)];
      await privateRedis.admin.config("SET", "min-replicas-to-write", "1"); // writes: NOREPLICAS

      expect(await on(one, session.token).auth.signOut()).toEqual({ success: true });
      expectRegistryWriteFailed();
      expect(await isRefused(one, session.token)).toBe(true);
      await withinBound(() => isRefused(two, session.token));
      // the registry still says live: only Postgres knows, and it is asked for that user only
      expect(await two.registry.lookup(sessionIdOf(session.refreshToken), leaving.id)).toMatchObject({
        status: "live",
      });
      await expect(on(two, other.token).auth.sessions.list()).resolves.toHaveLength(2); // signedInUser's and this one

      await privateRedis.admin.config("SET", "min-replicas-to-write", "0");
      await withinBound(
        async () => (await two.registry.lookup(sessionIdOf(session.refreshToken), leaving.id)).status === "revoked",
      );
      expect(await isRefused(two, session.token)).toBe(true);
      expect(await auditRows("sign_out", leaving.id)).toBe(1);
    } finally {
      for (const { deps, stop } of instances) {
        stop();
        await deps.registry.close();
      }
      await privateRedis.stop();
      stopDraining = startRegistryOutboxDrainer(a);
    }
  });
});
