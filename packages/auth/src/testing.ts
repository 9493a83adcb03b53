// Test support: a Redis connection whose keys live under a prefix of their own, so test files
// share one Redis server without seeing each other's sessions.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
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
