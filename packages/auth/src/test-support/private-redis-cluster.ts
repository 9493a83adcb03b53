// A Redis Cluster of the test's own (three masters, started by scripts/redis-cluster.sh on free
// ports, in a temporary directory), for tests that stop or freeze a node: the shared cluster of
// REDIS_CLUSTER_NODES must not lose a node under other test files running at the same time.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const script = fileURLToPath(new URL("../../../../scripts/redis-cluster.sh", import.meta.url));
const run = promisify(execFile);

export interface PrivateRedisCluster {
  /** As REDIS_CLUSTER_NODES has them: `127.0.0.1:<port>,...`. */
  nodes: string;
  ports: number[];
  /** Shuts every node down without saving (a crash of the whole cluster); `restart` brings it back. */
  shutdown(): Promise<void>;
  /** Starts the nodes again: they rejoin with the slots they had, and no data. */
  restart(): Promise<void>;
  /** Shuts the nodes down and deletes their directory. */
  stop(): Promise<void>;
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => {
      resolve(false);
    });
    server.listen(port, "127.0.0.1", () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** A port that is free, and so is its cluster bus port (+ 10000). */
async function freeNodePort(taken: number[]): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (!taken.includes(port) && (await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

export async function startPrivateRedisCluster(): Promise<PrivateRedisCluster> {
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await freeNodePort(ports));
  const dir = await mkdtemp(join(tmpdir(), "redis-cluster-"));
  const env = { ...process.env, REDIS_CLUSTER_PORTS: ports.join(" "), REDIS_CLUSTER_DIR: dir };
  const stop = async () => {
    await run(script, ["stop"], { env });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run(script, ["start"], { env });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(","),
    ports,
    async shutdown() {
      await Promise.all(
        ports.map((port) =>
          run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "shutdown", "nosave"]).catch(() => {}),
        ),
      );
    },
    async restart() {
      await run(script, ["start"], { env });
    },
    stop,
  };
}
