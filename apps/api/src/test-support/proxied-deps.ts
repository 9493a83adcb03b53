// An API instance whose links to Postgres and Redis run through TCP proxies a test controls
// (tcp-proxy.ts), on the connections the API opens in production: the pg pool of
// createPrismaClient and the Redis connection of openRedis. The embedded database runs in this
// process with no network to break, so it is used as it is (no Postgres proxy); without REDIS_URL
// the registry is in-process (no Redis proxy).
import { randomUUID } from "node:crypto";

import { createMemorySessionRegistry, createRedisSessionRegistry } from "@platform/auth";
import { createPrismaClient } from "@platform/db";
import { createTestDatabase, type TestDatabase } from "@platform/db/testing";
import type { Redis } from "ioredis";

import type { Config } from "../config.js";
import { type ApiDeps, createDeps, createSignInLimiters } from "../deps.js";
import type { Logger } from "../logger.js";
import { openRedis } from "../redis-connection.js";
import { createTcpProxy, type TcpProxy } from "./tcp-proxy.js";

export interface ProxiedDeps {
  /** The instance whose links the proxies break. */
  deps: ApiDeps;
  /** The test's own database (its `prisma` is a direct connection, not through the proxy). */
  database: TestDatabase;
  postgresProxy: TcpProxy | undefined;
  redisProxy: TcpProxy | undefined;
  /** Where this instance's registry and counters live in Redis (another instance shares it). */
  keyPrefix: string;
  /** Deletes the Redis keys, closes the connections and the proxies, drops the database. */
  close(): Promise<void>;
}

export async function createProxiedDeps(config: Config, logger: Logger): Promise<ProxiedDeps> {
  const redisUrl = process.env.REDIS_URL;
  const database = await createTestDatabase();
  const keyPrefix = `test:${randomUUID()}:`;
  const postgresProxy = database.kind === "server" ? await createTcpProxy(database.url) : undefined;
  const prisma = postgresProxy ? createPrismaClient({ url: postgresProxy.url }) : database.prisma;
  const redisProxy = redisUrl ? await createTcpProxy(redisUrl) : undefined;
  const redis: Redis | undefined = redisProxy ? await openRedis(redisProxy.url, logger) : undefined;
  const deps = createDeps({
    config,
    prisma,
    logger,
    registry: redis ? createRedisSessionRegistry({ redis, keyPrefix }) : createMemorySessionRegistry(),
    signInLimiters: createSignInLimiters(config.signInLimits, redis ? { redis, keyPrefix } : undefined),
  });
  return {
    deps,
    database,
    postgresProxy,
    redisProxy,
    keyPrefix,
    async close() {
      if (prisma !== database.prisma) await prisma.$disconnect();
      if (redis) {
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      await deps.registry.close(); // the connection, and its change feed's
      await Promise.all([postgresProxy?.close(), redisProxy?.close()]);
      await database.drop();
    },
  };
}
