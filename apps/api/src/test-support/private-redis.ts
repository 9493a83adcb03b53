// A Redis server of the test's own (the machine's redis-server binary on a free port, nothing on
// disk), for tests that change how the server behaves (CONFIG SET) where the shared one must not
// change under other test files running at the same time.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

import { Redis } from "ioredis";

export interface PrivateRedisOptions {
  /** Default: a free one. Restarting a server on its old port is how a test restarts Redis. */
  port?: number;
  /** More redis-server arguments, e.g. `--user notes on >password ...` (an ACL user). */
  args?: string[];
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** A connection for the test itself (CONFIG SET, inspection). */
  admin: Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await freePort());
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...(options.args ?? [])],
    {
      stdio: "ignore",
    },
  );
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const url = `redis://127.0.0.1:${port}`;
  // ioredis retries every 100 ms until the server listens
  const admin = new Redis(url, { retryStrategy: () => 100 });
  admin.on("error", () => {}); // refused until the server is up
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise((resolve) => admin.once("ready", resolve)),
    exited.then(() => Promise.reject(new Error(`redis-server exited before it served port ${port}`))),
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`redis-server did not serve port ${port} within 10 s`));
      }, 10_000);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
  return {
    url,
    port,
    admin,
    async stop() {
      admin.disconnect();
      server.kill("SIGTERM");
      await exited;
    },
  };
}
