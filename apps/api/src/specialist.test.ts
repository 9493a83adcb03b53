// A specialist app (the shape apps/notes has) built from @platform/auth alone, against this
// identity service served over real HTTP: it verifies the identity's tokens, reads the shared
// registry under the specialist ACL (read keys, subscribe to the change channel, nothing else),
// and asks the identity (`auth.session`) when the registry does not know a session. Without a
// shared registry (development), the identity answers every call.
// Required: a token fresh from sign-in works on the first call; a sign-out, revocation or demotion
// on the identity is honoured on the specialist's next call (within the change feed's bound, stated
// 50 ms p99 and asserted as 2 s, as in session-cache.test.ts); a miss asks the identity, which
// answers from Postgres; the identity unreachable on a miss is 503, never access on the signature
// alone; and the specialist's Redis user cannot write anything.
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";

import {
  type AuthDeps,
  createHmacTokenVerifier,
  createSpecialistDeps,
  initAuth,
  readOnlyRegistry,
  specialistAclRules,
} from "@platform/auth";
import { codeOf } from "@platform/auth/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { testConfig, testJwtSecret } from "./test-support/harness.js";
import { useTestServer } from "./test-support/hooks.js";

const redisUrl = process.env.REDIS_URL;
const propagationBoundMs = 2_000;
const { jwt } = testConfig();

// the specialist's own router: who is calling, and an admin-only procedure
const auth = initAuth<AuthDeps>();
const specialistRouter = auth.router({
  whoami: auth.authedProcedure.query(({ ctx }) => ctx.principal),
  adminOnly: auth.adminProcedure.query(() => "admin area"),
});
const specialistCaller = (deps: AuthDeps, token: string) =>
  auth.createCallerFactory(specialistRouter)({ deps, request: { authorization: `Bearer ${token}` } });

// an HS256 platform: the specialist verifies with the shared secret (EdDSA: the identity's JWKS)
const verifier = () => createHmacTokenVerifier({ secret: testJwtSecret, issuer: jwt.issuer, audience: jwt.audience });

/** A URL where nothing listens: an identity service that is down. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}/trpc`;
}

const served = useTestServer();
const { h } = served;

describe("a specialist without a shared registry (development): the identity answers every call", () => {
  let specialist: AuthDeps;
  beforeAll(() => {
    specialist = createSpecialistDeps({ tokens: verifier(), identityUrl: served.url });
  });

  it("accepts a fresh token and sees the caller's current roles", async () => {
    const user = await h.createSignedInUser({ roles: ["user", "admin"] });
    await expect(specialistCaller(specialist, user.token).whoami()).resolves.toMatchObject({
      userId: user.id,
      roles: ["user", "admin"],
    });
    expect(await codeOf(specialistCaller(specialist, user.token).adminOnly())).toBe("OK");
  });

  it("refuses the very next call after a sign-out on the identity", async () => {
    const user = await h.createSignedInUser();
    expect(await codeOf(specialistCaller(specialist, user.token).whoami())).toBe("OK");
    await h.caller(user.token).auth.signOut();
    expect(await codeOf(specialistCaller(specialist, user.token).whoami())).toBe("UNAUTHORIZED");
  });

  it("answers 503 while the identity is down, and its readiness says so", async () => {
    const down = createSpecialistDeps({ tokens: verifier(), identityUrl: await deadUrl() });
    const user = await h.createSignedInUser();
    expect(await codeOf(specialistCaller(down, user.token).whoami())).toBe("SERVICE_UNAVAILABLE");
    await expect(down.registry.ping()).rejects.toThrow(/did not answer/);
    await expect(specialist.registry.ping()).resolves.toBeUndefined();
  });

  it("refuses a token the identity did not sign, without asking it", async () => {
    const user = await h.createSignedInUser();
    const [header, payload] = user.token.split(".");
    const asked = vi.spyOn(specialist, "loadSession");
    expect(await codeOf(specialistCaller(specialist, `${header}.${payload}.forged`).whoami())).toBe("UNAUTHORIZED");
    expect(asked).not.toHaveBeenCalled();
    asked.mockRestore();
  });
});

describe.skipIf(!redisUrl)("a specialist on the shared Redis, under the specialist ACL", () => {
  const aclUser = `specialist-${randomUUID()}`;
  const aclPassword = randomUUID();
  let admin: Redis;
  let specialistRedis: Redis;
  let specialist: AuthDeps;

  beforeAll(async () => {
    if (!redisUrl || !h.registryKeyPrefix) throw new Error("the harness must be on Redis here");
    admin = new Redis(redisUrl);
    await admin.call("ACL", "SETUSER", aclUser, "on", `>${aclPassword}`, ...specialistAclRules(h.registryKeyPrefix));
    const url = new URL(redisUrl);
    url.username = aclUser;
    url.password = aclPassword;
    specialistRedis = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
    specialist = createSpecialistDeps({
      tokens: verifier(),
      identityUrl: served.url,
      redis: specialistRedis,
      keyPrefix: h.registryKeyPrefix,
    });
    // subscribed, as it is long before the first call in production
    specialist.registry.changes.subscribe(() => {});
    await vi.waitFor(
      () => {
        if (!specialist.registry.changes.isLive()) throw new Error("change feed not live");
      },
      { timeout: 10_000 },
    );
  });

  afterAll(async () => {
    await specialist.registry.close();
    await admin.call("ACL", "DELUSER", aclUser);
    await admin.quit();
  });

  const refusedWithinBound = (call: () => Promise<unknown>, code: string) =>
    expect.poll(() => codeOf(call()), { timeout: propagationBoundMs, interval: 10 }).toBe(code);

  it("accepts a token fresh from sign-in on its very first call, from the registry alone", async () => {
    const user = await h.createSignedInUser();
    const asked = vi.spyOn(specialist, "loadSession");
    await expect(specialistCaller(specialist, user.token).whoami()).resolves.toMatchObject({ userId: user.id });
    expect(asked).not.toHaveBeenCalled();
    asked.mockRestore();
  });

  it("honours a sign-out on the identity", async () => {
    const user = await h.createSignedInUser();
    expect(await codeOf(specialistCaller(specialist, user.token).whoami())).toBe("OK"); // now remembered
    await h.caller(user.token).auth.signOut();
    await refusedWithinBound(() => specialistCaller(specialist, user.token).whoami(), "UNAUTHORIZED");
  });

  it("honours a demotion on the identity: its admin procedure is FORBIDDEN", async () => {
    const target = await h.createSignedInUser({ roles: ["user", "admin"] });
    const boss = await h.createSignedInUser({ roles: ["admin"] });
    expect(await codeOf(specialistCaller(specialist, target.token).adminOnly())).toBe("OK");
    await h.caller(boss.token).users.setRoles({ id: target.id, roles: ["user"] });
    await refusedWithinBound(() => specialistCaller(specialist, target.token).adminOnly(), "FORBIDDEN");
  });

  it("asks the identity about a session the registry lost, and the identity writes it back", async () => {
    const user = await h.createSignedInUser();
    await h.forgetRegistry();
    await expect(specialistCaller(specialist, user.token).whoami()).resolves.toMatchObject({ userId: user.id });
    const sessionId = h.sessionIdOf(user.refreshToken);
    await expect(h.deps.registry.lookup(sessionId, user.id)).resolves.toEqual({ status: "live", roles: ["user"] });
  });

  it("refuses a lost session that Postgres says is revoked", async () => {
    const user = await h.createSignedInUser();
    await h.forgetRegistry();
    await h.deps.prisma.session.update({ where: { id: h.sessionIdOf(user.refreshToken) }, data: { isRevoked: true } });
    expect(await codeOf(specialistCaller(specialist, user.token).whoami())).toBe("UNAUTHORIZED");
  });

  it("answers 503 for a lost session while the identity is down: never access on the signature alone", async () => {
    const down = createSpecialistDeps({
      tokens: verifier(),
      identityUrl: await deadUrl(),
      redis: new Redis(redisUrl ?? "", { maxRetriesPerRequest: 1 }),
      keyPrefix: h.registryKeyPrefix,
    });
    try {
      const user = await h.createSignedInUser();
      await h.forgetRegistry();
      expect(await codeOf(specialistCaller(down, user.token).whoami())).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await down.registry.close();
    }
  });

  it("cannot write the registry, nor read or listen outside it", async () => {
    const prefix = h.registryKeyPrefix ?? "";
    await expect(specialistRedis.set(`${prefix}{someone}:roles`, '1:["admin"]')).rejects.toThrow(/NOPERM/);
    await expect(specialistRedis.del(`${prefix}{someone}:session:x`)).rejects.toThrow(/NOPERM/);
    await expect(specialistRedis.publish(`${prefix}changes`, "someone")).rejects.toThrow(/NOPERM/);
    await expect(specialistRedis.get("another-app:secret")).rejects.toThrow(/NOPERM/);
    await expect(specialistRedis.call("FLUSHALL")).rejects.toThrow(/NOPERM/);
    const listener = specialistRedis.duplicate();
    try {
      await expect(listener.subscribe("another-channel")).rejects.toThrow(/NOPERM/);
    } finally {
      listener.disconnect();
    }
    await expect(specialist.registry.revoke("someone", [])).rejects.toThrow(/read-only/);
    await expect(specialist.registry.setRoles("someone", { roles: ["admin"], version: 1 })).rejects.toThrow(
      /read-only/,
    );
  });

  it("is read-only by construction even on a connection that could write", async () => {
    const registry = readOnlyRegistry(h.deps.registry);
    await registry.register(
      { sessionId: "s", userId: "u", expiresAt: new Date(Date.now() + 60_000) },
      {
        roles: ["admin"],
        version: 1,
      },
    );
    await expect(h.deps.registry.lookup("s", "u")).resolves.toEqual({ status: "unknown" });
  });
});
