// The API on a Redis Cluster (REDIS_CLUSTER_NODES; scripts/redis-cluster.sh starts one), opened
// as production opens it (openRedis; openDeps): two instances sharing the cluster and a database.
// Required: a session signed in on one is accepted on the other; signed out on one, it is refused
// there at once and on the other within the bound (2 s, as in session-cache.test.ts: the sign-out's
// announcement reaches the other instance's feed, whichever node each is on); the sign-in back-off
// is counted by both.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createRedisSessionRegistry, hashPassword } from "@platform/auth";
import { codeOf, createTestRedisCluster, redisClusterNodesForTests, type TestRedis } from "@platform/auth/testing";
import { createTestDatabase, type TestDatabase } from "@platform/db/testing";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createCaller } from "./caller.js";
import { loadConfig } from "./config.js";
import { type ApiDeps, createDeps, createSignInLimiters } from "./deps.js";
import { createSilentLogger } from "./logger.js";
import { openDeps } from "./open-deps.js";
import { openRedis } from "./redis-connection.js";
import { testConfig, testJwtSecret, uniqueEmail } from "./test-support/harness.js";
import { untilChangeFeedsLive } from "./test-support/live-feeds.js";

const nodes = redisClusterNodesForTests("the API's Redis Cluster tests");
const propagationBoundMs = 2_000;
const password = "a passphrase for the cluster";
const logger = createSilentLogger();
const config = testConfig({ REDIS_CLUSTER_NODES: nodes ?? "127.0.0.1:7001", SIGN_IN_ACCOUNT_FREE_ATTEMPTS: "2" });

describe.runIf(nodes)("the API on a Redis Cluster", () => {
  let database: TestDatabase;
  /** The key prefix both instances share, and the deletion of its keys on every master afterwards. */
  let keys: TestRedis<Cluster>;
  let a: ApiDeps;
  let b: ApiDeps;

  async function openInstance(): Promise<ApiDeps> {
    if (config.registry.kind !== "redis-cluster") throw new Error("REDIS_CLUSTER_NODES did not select a cluster");
    const redis = await openRedis(config.registry, logger);
    const { keyPrefix } = keys;
    // a block the test earns cannot end while it runs on a busy machine
    const limits = { ...config.signInLimits.account, baseDelayMs: 60_000 };
    return createDeps({
      config,
      prisma: database.prisma,
      registry: createRedisSessionRegistry({ redis, keyPrefix }),
      signInLimiters: createSignInLimiters({ account: limits, ip: limits }, { redis, keyPrefix }),
      logger,
    });
  }

  beforeAll(async () => {
    [database, keys] = await Promise.all([createTestDatabase(), createTestRedisCluster(nodes)]);
    [a, b] = [await openInstance(), await openInstance()];
    await untilChangeFeedsLive(a, b);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a.registry.close(), b.registry.close()]);
    await Promise.all([keys.cleanup(), database.drop()]);
  });

  const on = (deps: ApiDeps, token?: string) => createCaller(deps, token ? { authorization: `Bearer ${token}` } : {});

  async function newUser() {
    const email = uniqueEmail("cluster");
    await database.prisma.user.create({
      data: { email, name: "cluster", roles: ["user"], passwordHash: await hashPassword(password) },
    });
    return email;
  }

  it("signed in on A, accepted on B; signed out on B, refused there at once and on A within the bound", async () => {
    const { token } = await on(a).auth.signIn({ email: await newUser(), password });
    expect(await codeOf(on(a, token).auth.me())).toBe("OK");
    expect(await codeOf(on(b, token).auth.me())).toBe("OK");
    await on(b, token).auth.signOut();
    expect(await codeOf(on(b, token).auth.me())).toBe("UNAUTHORIZED");
    await expect
      .poll(async () => codeOf(on(a, token).auth.me()), { timeout: propagationBoundMs, interval: 10 })
      .toBe("UNAUTHORIZED");
  });

  it("counts the sign-in back-off on both instances", async () => {
    const email = await newUser();
    const wrong = { email, password: "not the passphrase at all" };
    expect(await codeOf(on(a).auth.signIn(wrong))).toBe("UNAUTHORIZED");
    expect(await codeOf(on(b).auth.signIn(wrong))).toBe("UNAUTHORIZED");
    expect(await codeOf(on(a).auth.signIn(wrong))).toBe("UNAUTHORIZED"); // the attempt that earns the first delay
    expect(await codeOf(on(b).auth.signIn({ email, password }))).toBe("TOO_MANY_REQUESTS");
  });

  it("openDeps opens the registry on the cluster, says so, and close() closes it", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "api-cluster-"));
    try {
      const opened = await openDeps(
        loadConfig({
          NODE_ENV: "test",
          JWT_SECRET: testJwtSecret,
          REDIS_CLUSTER_NODES: nodes,
          ...(database.kind === "server" ? { DATABASE_URL: database.url } : { DATA_DIR: join(scratch, randomUUID()) }),
        }),
        logger,
      );
      expect(opened.report).toContain(
        `session registry: Redis Cluster at ${config.registry.kind === "redis-cluster" ? config.registry.nodes.join(",") : ""} (shared)`,
      );
      await opened.deps.registry.ping();
      await opened.close();
      await expect(opened.deps.registry.ping()).rejects.toThrow();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
