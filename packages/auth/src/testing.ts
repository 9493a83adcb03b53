// Test support: a registry for each test file. In Redis (when REDIS_URL is set) its keys live under
// a prefix of their own, so test files share one server without seeing each other's sessions.
import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";

import { createMemoryRateLimiter } from "./memory-rate-limiter.js";
import { createMemorySessionRegistry } from "./memory-session-registry.js";
import type { RateLimiter, RateLimitPolicy } from "./rate-limiter.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";
import { createRedisSessionRegistry } from "./redis-session-registry.js";
import type { SessionRegistry } from "./session-registry.js";

export interface TestRedis {
  redis: Redis;
  keyPrefix: string;
  createRegistry(options?: { now?: () => Date }): SessionRegistry;
  /** Deletes this test's keys. */
  forgetAll(): Promise<void>;
  /** Deletes this test's keys and closes the connection. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(url = process.env.REDIS_URL): Promise<TestRedis> {
  if (!url) throw new Error("createTestRedis needs REDIS_URL (a redis:// URL)");
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keyPrefix = `test:${randomUUID()}:`;
  const forgetAll = async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  };
  return {
    redis,
    keyPrefix,
    createRegistry: (options = {}) => createRedisSessionRegistry({ redis, keyPrefix, ...options }),
    forgetAll,
    async cleanup() {
      await forgetAll();
      await redis.quit();
    },
  };
}

export interface TestRegistry {
  registry: SessionRegistry;
  /** A rate limiter on the same store (Redis under this test's prefix, or in-process). */
  createRateLimiter(options?: Partial<RateLimitPolicy> & { name?: string }): RateLimiter;
  kind: "redis" | "memory";
  /** Empties the registry, as a Redis restart without persistence would. */
  forgetAll(): Promise<void>;
  cleanup(): Promise<void>;
}

/** A registry for one test file: in Redis when REDIS_URL is set, in-process otherwise. */
export async function createTestRegistry(url = process.env.REDIS_URL): Promise<TestRegistry> {
  if (url) {
    const testRedis = await createTestRedis(url);
    return {
      registry: testRedis.createRegistry(),
      createRateLimiter: ({ name = "limit", ...policy } = {}) =>
        createRedisRateLimiter({
          redis: testRedis.redis,
          name,
          keyPrefix: testRedis.keyPrefix,
          ...policy,
        }),
      kind: "redis",
      forgetAll: testRedis.forgetAll,
      cleanup: testRedis.cleanup,
    };
  }
  // forgetting swaps in an empty registry behind a stable facade
  let inner = createMemorySessionRegistry();
  const registry: SessionRegistry = {
    lookup: (...args) => inner.lookup(...args),
    register: (...args) => inner.register(...args),
    revoke: (...args) => inner.revoke(...args),
    setRoles: (...args) => inner.setRoles(...args),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return {
    registry,
    createRateLimiter: ({ name: _, ...policy } = {}) => createMemoryRateLimiter(policy),
    kind: "memory",
    async forgetAll() {
      await inner.close();
      inner = createMemorySessionRegistry();
    },
    cleanup: () => inner.close(),
  };
}
