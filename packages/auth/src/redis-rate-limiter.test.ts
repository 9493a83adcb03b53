import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runRateLimiterContract } from "./rate-limiter.contract.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";
import { createTestRedis, type TestRedis } from "./testing.js";

const hasRedis = Boolean(process.env.REDIS_URL);
if (!hasRedis) console.warn("NOTICE: Redis rate limiter tests skipped: set REDIS_URL=redis://... to run them.");

// keys live under the test file's own prefix (createTestRedis), which its cleanup deletes
describe.runIf(hasRedis)("Redis rate limiter", () => {
  let testRedis: TestRedis;
  beforeAll(async () => {
    testRedis = await createTestRedis();
  });
  afterAll(() => testRedis.cleanup());

  runRateLimiterContract((policy) =>
    createRedisRateLimiter({ redis: testRedis.redis, name: "contract", keyPrefix: testRedis.keyPrefix, ...policy }),
  );

  it("is shared by instances: 20 parallel attempts over 4 connections, exactly freeAttempts + 1 get through", async () => {
    const connections = Array.from({ length: 4 }, () => testRedis.redis.duplicate());
    try {
      const limiters = connections.map((redis) =>
        createRedisRateLimiter({ redis, name: "shared", keyPrefix: testRedis.keyPrefix, freeAttempts: 4 }),
      );
      const key = `account:${randomUUID()}@example.com`;
      const decisions = await Promise.all(
        limiters.flatMap((limiter) => Array.from({ length: 5 }, () => limiter.attempt([key]))),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    } finally {
      await Promise.all(connections.map((redis) => redis.quit()));
    }
  });

  it("keeps nothing forever: every key it writes expires, under the prefix", async () => {
    const limiter = createRedisRateLimiter({
      redis: testRedis.redis,
      name: "ttl",
      keyPrefix: testRedis.keyPrefix,
      freeAttempts: 0,
    });
    await limiter.attempt(["account:ttl@example.com", "ip:198.51.100.1"]);
    const keys = await testRedis.redis.keys(`${testRedis.keyPrefix}ratelimit:ttl:*`);
    expect(keys.sort()).toEqual([
      `${testRedis.keyPrefix}ratelimit:ttl:{account:ttl@example.com}:block`,
      `${testRedis.keyPrefix}ratelimit:ttl:{account:ttl@example.com}:count`,
      `${testRedis.keyPrefix}ratelimit:ttl:{ip:198.51.100.1}:block`,
      `${testRedis.keyPrefix}ratelimit:ttl:{ip:198.51.100.1}:count`,
    ]);
    for (const key of keys) expect(await testRedis.redis.pttl(key)).toBeGreaterThan(0);
  });

  it("uses auth:ratelimit:<name>: when no prefix is given", async () => {
    const key = `test:${randomUUID()}`;
    const limiter = createRedisRateLimiter({ redis: testRedis.redis, name: "account" });
    try {
      await limiter.attempt([key]);
      expect(await testRedis.redis.exists(`auth:ratelimit:account:{${key}}:count`)).toBe(1);
    } finally {
      await limiter.reset([key]);
    }
  });

  it("leaves the connection open on close: it belongs to the caller", async () => {
    await createRedisRateLimiter({ redis: testRedis.redis, name: "close" }).close();
    expect(await testRedis.redis.ping()).toBe("PONG");
  });
});
