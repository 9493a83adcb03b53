import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createRedisSessionRegistry } from "./redis-session-registry.js";
import { runSessionRegistryContract } from "./session-registry.contract.js";
import type { SessionRegistry } from "./session-registry.js";
import { createTestClock, createTestRedis, type TestRedis } from "./testing.js";

const hasRedis = Boolean(process.env.REDIS_URL);
if (!hasRedis) console.warn("NOTICE: Redis session registry tests skipped: set REDIS_URL=redis://... to run them.");

describe.runIf(hasRedis)("Redis session registry", () => {
  let testRedis: TestRedis;
  let registry: SessionRegistry;
  beforeAll(async () => {
    testRedis = await createTestRedis();
    registry = testRedis.createRegistry();
  });
  afterAll(() => testRedis.cleanup());

  runSessionRegistryContract(() => registry);

  const newSession = (lifetimeMs = 60_000) => ({
    sessionId: `session_${randomUUID()}`,
    userId: `user_${randomUUID()}`,
    expiresAt: new Date(Date.now() + lifetimeMs),
  });
  const sessionKey = (userId: string, sessionId: string) => `${testRedis.keyPrefix}{${userId}}:session:${sessionId}`;
  const rolesKey = (userId: string) => `${testRedis.keyPrefix}{${userId}}:roles`;

  // Instances of different versions (a rolling deploy) and other apps of the platform read each
  // other's entries: the stored format is an interface, as the module's header documents it.
  it("stores entries under the key prefix, in the documented format", async () => {
    const { redis } = testRedis;
    const session = newSession();
    await registry.register(session, { roles: ["user", "admin"], version: 3 });
    expect(await redis.get(sessionKey(session.userId, session.sessionId))).toBe("live");
    expect(await redis.get(rolesKey(session.userId))).toBe('3:["user","admin"]');
    await registry.revoke(session.userId, [session]);
    expect(await redis.get(sessionKey(session.userId, session.sessionId))).toBe("revoked");
  });

  it("keeps a user's roles 30 days (the longest session) by default, rolesTtlSeconds when given", async () => {
    const thirtyDays = 30 * 86_400;
    const { redis, keyPrefix } = testRedis;
    const session = newSession();
    await registry.register(session, { roles: ["user"], version: 1 });
    expect(await redis.ttl(rolesKey(session.userId))).toBeGreaterThan(thirtyDays - 60);
    expect(await redis.ttl(rolesKey(session.userId))).toBeLessThanOrEqual(thirtyDays);
    const shortLived = createRedisSessionRegistry({ redis, keyPrefix, rolesTtlSeconds: 60 });
    const other = newSession();
    await shortLived.register(other, { roles: ["user"], version: 1 });
    expect(await redis.ttl(rolesKey(other.userId))).toBeLessThanOrEqual(60);
  });

  it("a live session whose user's roles were evicted is unknown (filled again from the source of truth)", async () => {
    const session = newSession();
    await registry.register(session, { roles: ["user"], version: 1 });
    await testRedis.redis.del(rolesKey(session.userId));
    expect(await registry.lookup(session.sessionId, session.userId)).toEqual({ status: "unknown" });
  });

  it("revoking a session that has ended by the revoking instance's clock removes it: it never stays live", async () => {
    const session = newSession(60_000);
    await registry.register(session, { roles: ["user"], version: 1 });
    const clock = createTestClock();
    clock.advance(120_000); // this instance's clock is two minutes ahead of the one that registered it
    const ahead = createRedisSessionRegistry({
      redis: testRedis.redis,
      keyPrefix: testRedis.keyPrefix,
      now: clock.now,
    });
    await ahead.revoke(session.userId, [session]);
    expect(await registry.lookup(session.sessionId, session.userId)).toEqual({ status: "unknown" });
  });

  describe("connection", () => {
    /** A registry on a Redis that is not there: nothing listens on port 1. */
    function unreachable() {
      const redis = new Redis("redis://127.0.0.1:1", {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
      });
      redis.on("error", () => {}); // the connection attempts fail: what these tests are about
      return { redis, registry: createRedisSessionRegistry({ redis }) };
    }

    it("ping() fails when Redis cannot be reached (readiness checks rely on it)", async () => {
      const { redis, registry: offline } = unreachable();
      await expect(offline.ping()).rejects.toThrow();
      redis.disconnect();
    });

    it("close() ends the connection, and does so even when Redis cannot be reached", async () => {
      const connected = new Redis(process.env.REDIS_URL ?? "");
      await connected.ping();
      await createRedisSessionRegistry({ redis: connected }).close();
      await vi.waitFor(() => {
        expect(connected.status).toBe("end");
      });
      const { redis, registry: offline } = unreachable();
      await offline.close();
      await vi.waitFor(() => {
        expect(redis.status).toBe("end");
      });
    });
  });
});
