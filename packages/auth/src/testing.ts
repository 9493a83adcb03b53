// Test support for every package of the platform: a registry for each test file, a clock tests
// move by hand, and the helpers that more than one test file needs (one definition each).
// In Redis (when REDIS_URL is set) a test file's keys live under a prefix of their own, so test
// files share one server without seeing each other's sessions; so do the suites that run on a
// Redis Cluster (REDIS_CLUSTER_NODES, see redisClusterNodesForTests).
import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { type AddressInfo, createServer, type Socket } from "node:net";

import { TRPCError } from "@trpc/server";
import argon2 from "argon2";
import { Cluster, Redis } from "ioredis";
import { type JWTHeaderParameters, SignJWT, UnsecuredJWT } from "jose";

export { type ApiKeyOwners, forgetApiKeys } from "./forget-api-keys.js";
export { type PrivateRedisCluster, startPrivateRedisCluster } from "./test-support/private-redis-cluster.js";
import { createLocalChangeFeed } from "./change-feed.js";
import { createMemoryRateLimiter } from "./memory-rate-limiter.js";
import { createMemorySessionRegistry } from "./memory-session-registry.js";
import type { RateLimiter, RateLimitPolicy } from "./rate-limiter.js";
import { redisClusterSeeds, type RedisConnection } from "./redis-connection.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";
import { createRedisSessionRegistry } from "./redis-session-registry.js";
import type { SessionRegistry } from "./session-registry.js";

/**
 * A clock for the `now` options of the token service, the registries and the rate limiters.
 * Time in Redis is Redis's own: a Redis TTL never moves with this clock (it only decides the TTLs
 * that are written), so a test that needs an entry to expire in Redis must really wait.
 */
export interface TestClock {
  /** The test's time: pass it as a `now` option. */
  now: () => Date;
  /** Moves the time forward by `ms`. */
  advance: (ms: number) => void;
  /** Undoes every `advance`. */
  reset: () => void;
}

/** Frozen at `frozenAt` when given; otherwise real time, moved on by `advance`. */
export function createTestClock(frozenAt?: Date): TestClock {
  let offsetMs = 0;
  const base = frozenAt ? () => frozenAt.getTime() : () => Date.now();
  return {
    now: () => new Date(base() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
    },
    reset: () => {
      offsetMs = 0;
    },
  };
}

export interface TestRedis<Connection extends RedisConnection = Redis> {
  redis: Connection;
  keyPrefix: string;
  createRegistry: (options?: { now?: () => Date }) => SessionRegistry;
  /** Deletes this test's keys. */
  forgetAll: () => Promise<void>;
  /** Deletes this test's keys and closes the connection. */
  cleanup: () => Promise<void>;
}

export async function createTestRedis(url = process.env.REDIS_URL): Promise<TestRedis> {
  if (!url) throw new Error("createTestRedis needs REDIS_URL (a redis:// URL)");
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return testRedisOn(redis);
}

/**
 * REDIS_CLUSTER_NODES, for the suites that run on a Redis Cluster (`scripts/redis-cluster.sh
 * start` starts one), or undefined: they skip, with a NOTICE. With REQUIRE_SERVICES=1 (CI's
 * real-services pass) it throws instead, failing the test file that asked rather than skipping it.
 */
export function redisClusterNodesForTests(suites: string): string | undefined {
  const nodes = process.env.REDIS_CLUSTER_NODES?.trim();
  if (nodes) return nodes;
  const how =
    "run scripts/redis-cluster.sh start and set REDIS_CLUSTER_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003";
  if (process.env.REQUIRE_SERVICES === "1") {
    throw new Error(`REQUIRE_SERVICES=1 but REDIS_CLUSTER_NODES is not set, so ${suites} would be skipped: ${how}`);
  }
  console.warn(`NOTICE: ${suites} skipped: ${how} to run them.`);
  return undefined;
}

/** A Cluster from seeds as REDIS_CLUSTER_NODES has them: `host:port` or `redis://[user:password@]host:port`, comma-separated. */
export async function createTestRedisCluster(nodes = process.env.REDIS_CLUSTER_NODES): Promise<TestRedis<Cluster>> {
  if (!nodes) throw new Error("createTestRedisCluster needs REDIS_CLUSTER_NODES (host:port,host:port,...)");
  const urls = nodes.split(",").map((node) => (node.includes("://") ? node.trim() : `redis://${node.trim()}`));
  const { startupNodes, redisOptions } = redisClusterSeeds(urls);
  const cluster = new Cluster(startupNodes, {
    lazyConnect: true,
    scaleReads: "master",
    redisOptions: { ...redisOptions, maxRetriesPerRequest: 1 },
  });
  await cluster.connect();
  return testRedisOn(cluster);
}

function testRedisOn<Connection extends RedisConnection>(redis: Connection): TestRedis<Connection> {
  const keyPrefix = `test:${randomUUID()}:`;
  const registries: SessionRegistry[] = [];
  const forgetAll = async () => {
    // a Cluster's keys are spread over its masters, and keys of different slots cannot share a DEL
    const nodes = redis instanceof Cluster ? redis.nodes("master") : [redis];
    const keys = (await Promise.all(nodes.map((node) => node.keys(`${keyPrefix}*`)))).flat();
    await Promise.all(keys.map((key) => redis.del(key)));
  };
  return {
    redis,
    keyPrefix,
    createRegistry: (options = {}) => {
      const registry = createRedisSessionRegistry({ redis, keyPrefix, ...options });
      registries.push(registry);
      return registry;
    },
    forgetAll,
    async cleanup() {
      await forgetAll();
      // each closes its change feed's connection, and the shared one (a second quit is a no-op)
      await Promise.all(registries.map((registry) => registry.close()));
      await redis.quit().catch(() => {});
    },
  };
}

export interface TestRegistry {
  registry: SessionRegistry;
  /** A rate limiter on the same store (Redis under this test's prefix, or in-process). */
  createRateLimiter(options?: Partial<RateLimitPolicy> & { name?: string }): RateLimiter;
  kind: "redis" | "memory";
  /** In Redis: the prefix of this test's keys (a specialist of the test reads them). */
  keyPrefix?: string;
  /** Empties the registry, as a Redis restart without persistence would. */
  forgetAll(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface TestRegistryOptions {
  /** Default: REDIS_URL. */
  url?: string | undefined;
  /** A Redis Cluster's seeds, as REDIS_CLUSTER_NODES has them: the registry goes there (`url` is then ignored). */
  clusterNodes?: string | undefined;
  /** The clock of the registry and the in-process rate limiters (Redis keeps its own, see TestClock). */
  now?: () => Date;
}

/** A registry for one test file: on a Redis Cluster when asked, in Redis when REDIS_URL is set, in-process otherwise. */
export async function createTestRegistry({
  url = process.env.REDIS_URL,
  clusterNodes,
  now,
}: TestRegistryOptions = {}): Promise<TestRegistry> {
  const clock = now ? { now } : {};
  if (clusterNodes || url) {
    const testRedis: TestRedis<RedisConnection> = clusterNodes
      ? await createTestRedisCluster(clusterNodes)
      : await createTestRedis(url);
    return {
      registry: testRedis.createRegistry(clock),
      createRateLimiter: ({ name = "limit", ...policy } = {}) =>
        createRedisRateLimiter({
          redis: testRedis.redis,
          name,
          keyPrefix: testRedis.keyPrefix,
          ...policy,
        }),
      kind: "redis",
      keyPrefix: testRedis.keyPrefix,
      forgetAll: testRedis.forgetAll,
      cleanup: testRedis.cleanup,
    };
  }
  // forgetting swaps in an empty registry behind a stable facade, announcing on the same feed
  const changes = createLocalChangeFeed();
  let inner = createMemorySessionRegistry({ ...clock, changes });
  const registry: SessionRegistry = {
    changes,
    lookup: (...args) => inner.lookup(...args),
    register: (...args) => inner.register(...args),
    revoke: (...args) => inner.revoke(...args),
    setRoles: (...args) => inner.setRoles(...args),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return {
    registry,
    createRateLimiter: ({ name: _, ...policy } = {}) => createMemoryRateLimiter({ ...policy, ...clock }),
    kind: "memory",
    async forgetAll() {
      await inner.close();
      inner = createMemorySessionRegistry({ ...clock, changes });
    },
    cleanup: () => inner.close(),
  };
}

/**
 * The tRPC error code a call fails with, or "OK" when it succeeds. Reads a TRPCError's `code`
 * (in-process callers) or the `data.code` of a TRPCClientError (over HTTP); rethrows anything else.
 */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const code = trpcCodeOf(error);
    if (code === undefined) throw error;
    return code;
  }
  return "OK";
}

function trpcCodeOf(error: unknown): string | undefined {
  if (error instanceof TRPCError) return error.code;
  if (error instanceof Error && error.name === "TRPCClientError" && "data" in error) {
    const { data } = error;
    if (typeof data === "object" && data !== null && "code" in data && typeof data.code === "string") return data.code;
  }
  return undefined;
}

/** What goes into a forged access token; `null` leaves the claim out. */
export interface ForgedAccessToken {
  /** The HMAC secret (ignored for alg "none", and when `key` is given). */
  secret?: string;
  /** The signing key instead of `secret`: an Ed25519 private key for EdDSA, or any bytes for an HMAC. */
  key?: KeyObject | Uint8Array;
  alg?: "HS256" | "HS384" | "HS512" | "EdDSA" | "none";
  /** More header parameters (`kid`, `jku`, `jwk`...); `alg` is `alg`'s. */
  header?: Omit<JWTHeaderParameters, "alg">;
  issuer: string;
  audience: string;
  userId: string;
  sessionId: string | null;
  roles?: readonly string[];
  issuedAt: Date;
  /** Default: 15 minutes after `issuedAt`. */
  expiresAt?: Date | null;
}

/** An access token built by hand, to try what the token service must refuse. */
export async function forgeAccessToken(token: ForgedAccessToken): Promise<string> {
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const expiresAt = token.expiresAt === undefined ? new Date(token.issuedAt.getTime() + 15 * 60_000) : token.expiresAt;
  const payload = {
    ...(token.sessionId === null ? {} : { sid: token.sessionId }),
    ...(token.roles ? { roles: [...token.roles] } : {}),
  };
  const alg = token.alg ?? "HS256";
  const jwt =
    alg === "none" ? new UnsecuredJWT(payload) : new SignJWT(payload).setProtectedHeader({ ...token.header, alg });
  jwt.setSubject(token.userId).setIssuer(token.issuer).setAudience(token.audience).setIssuedAt(seconds(token.issuedAt));
  if (expiresAt) jwt.setExpirationTime(seconds(expiresAt));
  if (jwt instanceof UnsecuredJWT) return jwt.encode();
  return jwt.sign(token.key ?? new TextEncoder().encode(token.secret ?? ""));
}

/** An argon2id hash with weaker parameters than passwordHashOptions: one that needs a rehash. */
export function hashWithWeakParameters(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
}

/** A fresh Ed25519 key pair, as objects and as the PEM text JWT_PRIVATE_KEY / JWT_ADDITIONAL_PUBLIC_KEYS carry. */
export interface TestEd25519Key {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8, as `openssl genpkey -algorithm ed25519` writes it. */
  privatePem: string;
  /** SPKI, as `openssl pkey -pubout` writes it. */
  publicPem: string;
}

export function createTestEd25519Key(): TestEd25519Key {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/**
 * Runs `run` with the port of a TCP server on 127.0.0.1 that accepts connections and never
 * answers: a partitioned Redis, Postgres or JWKS as a client sees it (only its timeouts end a call).
 */
export async function withSilentServer(run: (port: number) => Promise<void>): Promise<void> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
