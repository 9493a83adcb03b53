// The session registry, the rate limiter and the change feed on a real Redis Cluster
// (REDIS_CLUSTER_NODES; scripts/redis-cluster.sh starts one): the contracts they meet on one
// server, and what a cluster adds. A user's keys, and a rate-limit key's count and block, share a
// hash slot (every MULTI and script is single-slot) while different users spread over the
// masters; a change published with a write on one node is heard by a feed subscribed on another.
import { randomUUID } from "node:crypto";

import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runRateLimiterContract } from "./rate-limiter.contract.js";
import { specialistAclRules } from "./redis-acl.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";
import { createRedisSessionRegistry } from "./redis-session-registry.js";
import { runSessionRegistryContract } from "./session-registry.contract.js";
import type { SessionRegistry } from "./session-registry.js";
import { readOnlyRegistry } from "./specialist-registry.js";
import { createTestRedisCluster, redisClusterNodesForTests, type TestRedis } from "./testing.js";

const nodes = redisClusterNodesForTests("the Redis Cluster tests of the registry, rate limiter and change feed");

/** The port of the master that serves `key`. */
async function portOfKey(cluster: Cluster, key: string): Promise<number> {
  const slot = await cluster.cluster("KEYSLOT", key);
  return Number(cluster.slots[slot]?.[0]?.split(":").pop());
}

/** The port of the node on which a connection named `name` is subscribed, if any. */
async function subscribedPort(cluster: Cluster, name: string): Promise<number | undefined> {
  for (const node of cluster.nodes("master")) {
    const clients = (await node.call("CLIENT", "LIST", "TYPE", "pubsub")) as string;
    if (clients.split("\n").some((line) => line.includes(` name=${name} `))) return node.options.port;
  }
  return undefined;
}

describe.runIf(nodes)("on a Redis Cluster", () => {
  let testRedis: TestRedis<Cluster>;
  let registry: SessionRegistry;
  beforeAll(async () => {
    testRedis = await createTestRedisCluster(nodes);
    registry = testRedis.createRegistry();
  });
  afterAll(() => testRedis.cleanup());

  const newUser = () => `user_${randomUUID()}`;
  const newSession = (userId: string) => ({
    sessionId: `session_${randomUUID()}`,
    userId,
    expiresAt: new Date(Date.now() + 60_000),
  });
  /** How many masters hold keys of this test's matching `pattern` (after the prefix). */
  async function mastersHolding(pattern: string) {
    const held = await Promise.all(
      testRedis.redis.nodes("master").map(async (node) => (await node.keys(`${testRedis.keyPrefix}${pattern}`)).length),
    );
    return held.filter((count) => count > 0).length;
  }

  describe("session registry", () => {
    runSessionRegistryContract(() => registry);

    it("spreads users over the masters (a user's own keys share one slot, or the contract above fails)", async () => {
      const users = Array.from({ length: 30 }, newUser);
      await Promise.all(users.map((userId) => registry.register(newSession(userId), { roles: ["user"], version: 1 })));
      expect(await mastersHolding("{user_*")).toBeGreaterThan(1);
    });
  });

  describe("rate limiter", () => {
    const limiter = (name: string, policy = {}) =>
      createRedisRateLimiter({ redis: testRedis.redis, name, keyPrefix: testRedis.keyPrefix, ...policy });

    runRateLimiterContract((policy) => limiter("contract", policy), { isAtomicAcrossKeys: false });

    it("spreads keys over the masters", async () => {
      const limit = limiter("spread");
      await Promise.all(Array.from({ length: 30 }, () => limit.attempt([`ip:${randomUUID()}`])));
      expect(await mastersHolding("ratelimit:spread:*")).toBeGreaterThan(1);
    });

    it("refuses an attempt on keys of different slots (CROSSSLOT) and counts nothing", async () => {
      const limit = limiter("crossslot", { freeAttempts: 0, baseDelayMs: 60_000 });
      const account = `account:${randomUUID()}@example.com`;
      let ip = `ip:${randomUUID()}`;
      const slotOf = (key: string) => testRedis.redis.cluster("KEYSLOT", key);
      while ((await slotOf(account)) === (await slotOf(ip))) ip = `ip:${randomUUID()}`;
      await expect(limit.attempt([account, ip])).rejects.toThrow(/CROSSSLOT/);
      // with no free attempts, one that had been counted would block the next
      expect(await limit.attempt([account])).toEqual({ allowed: true });
      expect(await limit.attempt([ip])).toEqual({ allowed: true });
    });
  });

  describe("a specialist under specialistAclRules (set on every node: each keeps its own users)", () => {
    const aclUser = `specialist-${randomUUID()}`;
    let specialistRedis: Cluster;
    let specialist: SessionRegistry;
    beforeAll(async () => {
      const nodesOfCluster = testRedis.redis.nodes("all");
      for (const node of nodesOfCluster) {
        await node.call("ACL", "SETUSER", aclUser, "on", ">a password", ...specialistAclRules(testRedis.keyPrefix));
      }
      const seeds = nodesOfCluster.map(({ options }) => ({ host: options.host, port: options.port }));
      specialistRedis = new Cluster(seeds, {
        lazyConnect: true,
        redisOptions: { username: aclUser, password: "a password" },
      });
      await specialistRedis.connect();
      specialist = readOnlyRegistry(
        createRedisSessionRegistry({ redis: specialistRedis, keyPrefix: testRedis.keyPrefix }),
      );
    });
    afterAll(async () => {
      await specialist.close();
      for (const node of testRedis.redis.nodes("all")) await node.call("ACL", "DELUSER", aclUser);
    });

    it("reads the registry and hears its changes", async () => {
      const userId = newUser();
      const session = newSession(userId);
      await registry.register(session, { roles: ["user"], version: 1 });
      expect(await specialist.lookup(session.sessionId, userId)).toEqual({ status: "live", roles: ["user"] });
      const heard: (string | null)[] = [];
      const stop = specialist.changes.subscribe((changed) => heard.push(changed));
      await expect.poll(() => specialist.changes.isLive()).toBe(true);
      await registry.revoke(userId, [session]);
      await expect.poll(() => heard).toContain(userId);
      expect(await specialist.lookup(session.sessionId, userId)).toEqual({ status: "revoked" });
      stop();
    });

    it("cannot write a key or publish a change", async () => {
      await expect(specialistRedis.set(`${testRedis.keyPrefix}{${newUser()}}:roles`, '1:["admin"]')).rejects.toThrow(
        /NOPERM/,
      );
      await expect(specialistRedis.publish(`${testRedis.keyPrefix}changes`, newUser())).rejects.toThrow(/NOPERM/);
    });
  });

  describe("change feed", () => {
    // a prefix of their own, so that the only subscribed connection with this name is the reader's
    let feedRedis: TestRedis<Cluster>;
    let writer: SessionRegistry;
    let reader: SessionRegistry;
    beforeAll(async () => {
      feedRedis = await createTestRedisCluster(nodes);
      writer = feedRedis.createRegistry();
      reader = feedRedis.createRegistry();
    });
    afterAll(() => feedRedis.cleanup());
    const feedName = () => `${feedRedis.keyPrefix}changes`;

    function listen(feedOf: SessionRegistry) {
      const heard: (string | null)[] = [];
      const stop = feedOf.changes.subscribe((userId) => heard.push(userId));
      return { heard, stop };
    }

    it("subscribes on one node, and hears writes made on every other node", async () => {
      const { heard, stop } = listen(reader);
      await expect.poll(() => reader.changes.isLive()).toBe(true);
      const subscribedOn = await subscribedPort(feedRedis.redis, feedName());
      expect(subscribedOn).toBeDefined();
      const otherPorts = feedRedis.redis
        .nodes("master")
        .map((node) => node.options.port)
        .filter((port) => port !== subscribedOn);
      expect(otherPorts.length).toBeGreaterThan(0);
      for (const port of otherPorts) {
        let user = newUser();
        while ((await portOfKey(feedRedis.redis, `${feedRedis.keyPrefix}{${user}}:roles`)) !== port) user = newUser();
        await writer.setRoles(user, { roles: ["admin"], version: 1 }); // its MULTI runs on `port`
        await expect.poll(() => heard).toContain(user);
      }
      stop();
    });

    it("when its connection is killed it says anything may have changed, and is live again once resubscribed", async () => {
      const { heard, stop } = listen(reader);
      await expect.poll(() => reader.changes.isLive()).toBe(true);
      for (const node of feedRedis.redis.nodes("master")) {
        const clients = (await node.call("CLIENT", "LIST", "TYPE", "pubsub")) as string;
        for (const line of clients.split("\n").filter((client) => client.includes(` name=${feedName()} `))) {
          await node.call("CLIENT", "KILL", "ID", /\bid=(\d+)/.exec(line)?.[1] ?? "");
        }
      }
      await expect.poll(() => heard).toContain(null);
      await expect.poll(() => reader.changes.isLive()).toBe(true);
      const user = newUser();
      await writer.revoke(user, [newSession(user)]);
      await expect.poll(() => heard).toContain(user);
      stop();
    });
  });
});
