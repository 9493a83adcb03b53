import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { forgetApiKeys } from "./forget-api-keys.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";
import { createRedisSessionRegistry } from "./redis-session-registry.js";
import { createTestRedis, type TestRedis } from "./testing.js";

const hasRedis = Boolean(process.env.REDIS_URL);
if (!hasRedis) console.warn("NOTICE: forgetApiKeys tests skipped: set REDIS_URL=redis://... to run them.");

describe.runIf(hasRedis)("forgetApiKeys", () => {
  let testRedis: TestRedis;
  beforeAll(async () => {
    testRedis = await createTestRedis();
  });
  afterAll(() => testRedis.cleanup());

  /** Writes what a sign-in writes for `id` / `email` / `ip`: a session, its roles, both counters. */
  async function signInTraces(id: string, email: string, ip: string) {
    const { redis, keyPrefix } = testRedis;
    const registry = createRedisSessionRegistry({ redis, keyPrefix });
    await registry.register(
      { sessionId: randomUUID(), userId: id, expiresAt: new Date(Date.now() + 60_000) },
      { roles: ["user"], version: 0 },
    );
    for (const name of ["account", "ip"]) {
      await createRedisRateLimiter({ redis, keyPrefix, name }).attempt([name === "ip" ? ip : email]);
    }
  }
  const keysOf = () => testRedis.redis.keys(`${testRedis.keyPrefix}*`);

  it("deletes the sessions, roles and counters of the given users, emails and IPs, and nothing else", async () => {
    const ours = { id: randomUUID(), email: `${randomUUID()}@example.com`, ip: "198.18.0.1" };
    const bystander = { id: randomUUID(), email: `${randomUUID()}@example.com`, ip: "198.18.0.2" };
    await signInTraces(ours.id, ours.email, ours.ip);
    await signInTraces(bystander.id, bystander.email, bystander.ip);
    const before = await keysOf();

    const deleted = await forgetApiKeys(
      testRedis.redis,
      { userIds: [ours.id], emails: [ours.email], ips: [ours.ip] },
      testRedis.keyPrefix,
    );

    const after = await keysOf();
    expect(deleted).toBe(4); // session, roles, account count, IP count
    expect(after.sort()).toEqual(
      before.filter((key) => !key.includes(ours.id) && !key.includes(ours.email) && !key.includes(ours.ip)).sort(),
    );
    expect(after.some((key) => key.includes(bystander.id))).toBe(true);
    expect(after.some((key) => key.includes(bystander.email))).toBe(true);
    expect(after.some((key) => key.includes(bystander.ip))).toBe(true);
  });

  it("touches nothing outside the prefix, even for the same owners", async () => {
    const id = randomUUID();
    const outside = `other:${randomUUID()}:{${id}}:roles`;
    await testRedis.redis.set(outside, "1", "EX", 60);
    try {
      await forgetApiKeys(testRedis.redis, { userIds: [id] }, testRedis.keyPrefix);
      expect(await testRedis.redis.exists(outside)).toBe(1);
    } finally {
      await testRedis.redis.del(outside);
    }
  });
});
