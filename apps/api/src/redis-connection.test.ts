import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { openRedis } from "./redis-connection.js";
import { StartupError } from "./startup-error.js";
import { captureLogs } from "./test-support/capture-logs.js";

describe("openRedis at start-up", () => {
  it("an unreachable Redis is one StartupError naming REDIS_URL and the reason; nothing at warn", async () => {
    const logs = captureLogs();
    const opening = openRedis("redis://127.0.0.1:1", logs.logger);
    await expect(opening).rejects.toBeInstanceOf(StartupError);
    await expect(opening).rejects.toThrow(
      /^Cannot reach Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1/,
    );
    expect(logs.at("warn")).toEqual([]);
  });

  it("a Redis Cluster none of whose seeds answers is one StartupError naming REDIS_CLUSTER_NODES", async () => {
    const logs = captureLogs();
    const opening = openRedis({ nodes: ["redis://127.0.0.1:1", "redis://:hunter2@127.0.0.1:2"] }, logs.logger);
    await expect(opening).rejects.toBeInstanceOf(StartupError);
    await expect(opening).rejects.toThrow(
      /^Cannot reach Redis at REDIS_CLUSTER_NODES=redis:\/\/127\.0\.0\.1:1,redis:\/\/:\*\*\*@127\.0\.0\.1:2: /,
    );
    expect(logs.at("warn")).toEqual([]);
  });

  it.skipIf(!process.env.REDIS_URL)("a seed that is not in cluster mode: the StartupError says so", async () => {
    const opening = openRedis({ nodes: [process.env.REDIS_URL ?? ""] }, captureLogs().logger);
    await expect(opening).rejects.toThrow(/^Cannot reach Redis at REDIS_CLUSTER_NODES=.*cluster support disabled/);
  });
});

/**
 * A TCP proxy in front of the real Redis that can be cut and restored on the same port: an outage
 * as the API sees it, without touching the shared server.
 */
async function createCuttableProxy(target: URL) {
  const sockets = new Set<Socket>();
  const open = (port: number) =>
    new Promise<Server>((resolve) => {
      const server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        client.pipe(upstream).pipe(client);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("error", () => {});
          socket.on("close", () => sockets.delete(socket));
        }
      });
      server.listen(port, "127.0.0.1", () => {
        resolve(server);
      });
    });
  let server = await open(0);
  const port = (server.address() as AddressInfo).port;
  const cut = async () => {
    await new Promise((resolve) => {
      server.close(resolve);
      for (const socket of sockets) socket.destroy();
    });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut,
    restore: async () => {
      server = await open(port);
    },
    close: cut,
  };
}

const redisUrl = process.env.REDIS_URL || undefined; // blank counts as unset, as in the config
describe.skipIf(!redisUrl)("openRedis during an outage", () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  it("logs one warning per outage (not one per retry) and one line when Redis is back", async () => {
    const proxy = await createCuttableProxy(new URL(redisUrl ?? ""));
    cleanup.push(proxy.close);
    const logs = captureLogs();
    const redis = await openRedis(proxy.url, logs.logger);
    cleanup.push(() => redis.quit().then(() => undefined));

    for (const outage of [1, 2]) {
      await proxy.cut();
      // several failed reconnection attempts, each at debug
      await expect.poll(() => logs.at("debug").length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3 * outage);
      expect(logs.at("warn")).toHaveLength(outage);
      expect(logs.at("warn")[outage - 1]?.msg).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);

      await proxy.restore();
      await expect.poll(() => logs.at("info").length, { timeout: 10_000 }).toBe(outage);
      expect(logs.at("info")[outage - 1]?.msg).toMatch(/is reachable again/);
      expect(await redis.ping()).toBe("PONG");
    }
  }, 30_000);
});
