// The change feed on a Redis Cluster when the node it listens on goes: frozen (SIGSTOP: the
// connection stays open and silent, so only the heartbeat can tell), then killed (SIGKILL: the
// connection closes). Each time the feed says at once that anything may have changed, subscribes
// again on another node, and hears what is published there. On a cluster of its own
// (scripts/redis-cluster.sh on free ports): the shared one must keep its nodes.
import { randomUUID } from "node:crypto";

import { type Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SessionRegistry } from "./session-registry.js";
import { startPrivateRedisCluster } from "./test-support/private-redis-cluster.js";
import { createTestRedisCluster, redisClusterNodesForTests, type TestRedis } from "./testing.js";

const runs = redisClusterNodesForTests("the Redis Cluster node-loss test") !== undefined;

describe.runIf(runs)("change feed on a Redis Cluster, when the node it listens on goes", () => {
  let cluster: Awaited<ReturnType<typeof startPrivateRedisCluster>>;
  let testRedis: TestRedis<Cluster>;
  let reader: SessionRegistry;
  /** A connection of the test's own to each node, by port. */
  const admin = new Map<number, Redis>();
  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
    for (const port of cluster.ports) {
      const connection = new Redis(port, "127.0.0.1");
      connection.on("error", () => {}); // the node this test kills refuses it from then on
      admin.set(port, connection);
    }
    testRedis = await createTestRedisCluster(cluster.nodes);
    reader = testRedis.createRegistry();
  }, 60_000);
  afterAll(async () => {
    await reader.close();
    for (const connection of admin.values()) connection.disconnect();
    await cluster.stop();
  });

  const channel = () => `${testRedis.keyPrefix}changes`;
  function nodeAt(port: number): Redis {
    const connection = admin.get(port);
    if (!connection) throw new Error(`no node on port ${port}`);
    return connection;
  }

  /** The port of the node the feed is subscribed on, asking only the nodes that still answer. */
  async function subscribedPort(answering: number[]): Promise<number | undefined> {
    for (const port of answering) {
      const clients = (await nodeAt(port).call("CLIENT", "LIST", "TYPE", "pubsub")) as string;
      if (clients.split("\n").some((line) => line.includes(` name=${channel()} `))) return port;
    }
    return undefined;
  }

  async function pidOf(port: number): Promise<number> {
    return Number(/process_id:(\d+)/.exec(await nodeAt(port).info("server"))?.[1]);
  }

  /** Publishes a new user's id from every node in `ports`: each must reach the feed. */
  async function publishFrom(ports: number[], heard: (string | null)[]) {
    for (const port of ports) {
      const user = `user_${randomUUID()}`;
      await nodeAt(port).publish(channel(), user);
      await expect.poll(() => heard).toContain(user);
    }
  }

  it("frozen: the heartbeat notices; killed: the closed connection does; each time it resumes on another node", async () => {
    const heard: (string | null)[] = [];
    const stop = reader.changes.subscribe((userId) => heard.push(userId));
    await expect.poll(() => reader.changes.isLive()).toBe(true);
    const frozen = await subscribedPort(cluster.ports);
    if (frozen === undefined) throw new Error("the feed is live but subscribed on no node");
    const others = cluster.ports.filter((port) => port !== frozen);

    const pid = await pidOf(frozen);
    process.kill(pid, "SIGSTOP");
    try {
      await expect.poll(() => heard.filter((userId) => userId === null).length, { timeout: 5_000 }).toBe(1);
      await expect.poll(() => reader.changes.isLive(), { timeout: 15_000 }).toBe(true);
      expect(others).toContain(await subscribedPort(others));
      await publishFrom(others, heard);
    } finally {
      process.kill(pid, "SIGCONT");
    }

    // among the others only: the thawed node may still list the connection the feed dropped while
    // it was frozen (it has not read the close yet), and killing it would not touch the feed
    const killed = await subscribedPort(others);
    if (killed === undefined) throw new Error("the feed is live but subscribed on no node");
    process.kill(await pidOf(killed), "SIGKILL");
    const survivors = cluster.ports.filter((port) => port !== killed);
    await expect.poll(() => heard.filter((userId) => userId === null).length, { timeout: 5_000 }).toBe(2);
    await expect.poll(() => reader.changes.isLive(), { timeout: 15_000 }).toBe(true);
    expect(survivors).toContain(await subscribedPort(survivors));
    await publishFrom(survivors, heard);
    stop();
  }, 60_000);
});
