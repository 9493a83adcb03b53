import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createPrismaClient, dropDatabase } from "@platform/db";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { loadConfig } from "./config.js";
import { createSilentLogger } from "./logger.js";
import { openDeps } from "./open-deps.js";
import { StartupError } from "./startup-error.js";
import { testJwtSecret } from "./test-support/harness.js";

// blank counts as unset, as everywhere (`DATABASE_URL= pnpm test` runs embedded)
const serverUrl = process.env.DATABASE_URL?.trim() ? process.env.DATABASE_URL : undefined;

describe.skipIf(!serverUrl)("DATABASE_URL naming a database that does not exist", () => {
  const name = `ops_missing_${randomUUID().replaceAll("-", "")}`;
  const url = new URL(serverUrl ?? "postgres://unused");
  url.pathname = `/${name}`;
  afterAll(() => dropDatabase(url.toString()));

  const databaseExists = async () => {
    const server = createPrismaClient({ url: serverUrl ?? "" });
    try {
      const rows = await server.$queryRaw<unknown[]>`SELECT 1 FROM pg_database WHERE datname = ${name}`;
      return rows.length === 1;
    } finally {
      await server.$disconnect();
    }
  };

  it("outside development: refuses, saying how to create it", async () => {
    const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: testJwtSecret, DATABASE_URL: url.toString() });
    const opening = openDeps(config, createSilentLogger());
    await expect(opening).rejects.toBeInstanceOf(StartupError);
    const { hostname, port, username } = url;
    await expect(opening).rejects.toThrow(
      `database "${name}" does not exist. Create it with \`createdb -h ${hostname} -p ${port} -U ${username} ${name}\` (or SQL: CREATE DATABASE "${name}";), then run \`pnpm db:migrate\``,
    );
    expect(await databaseExists()).toBe(false);
  });

  it("in development: creates it, migrates it, and says so", async () => {
    const config = loadConfig({ NODE_ENV: "development", DATABASE_URL: url.toString() });
    const opened = await openDeps(config, createSilentLogger());
    try {
      expect(opened.report).toContain(`database created: ${name} (it did not exist; created in development only)`);
      expect(opened.report.join("\n")).toMatch(/migrations applied: .*_init/);
      expect(await opened.deps.prisma.user.count()).toBe(1); // the development admin
    } finally {
      await opened.close();
    }
    expect(await databaseExists()).toBe(true);
  });
});

describe("close()", () => {
  const scratch = mkdtempSync(join(tmpdir(), "api-open-deps-"));
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The database of this run (a server when DATABASE_URL is set, else embedded) and these variables. */
  const configWith = (env: Record<string, string>) =>
    loadConfig({
      NODE_ENV: "test",
      JWT_SECRET: testJwtSecret,
      ...(serverUrl ? { DATABASE_URL: serverUrl } : { DATA_DIR: join(scratch, randomUUID()) }),
      ...env,
    });
  /** Open sockets and servers: what would keep the process alive after close (timers are checked apart). */
  const openSockets = () => process.getActiveResourcesInfo().filter((kind) => kind.startsWith("TCP")).length;

  it("in-process registry: stops every timer openDeps started (the registry's and the rate limiters' sweeps)", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const before = openSockets();
    const opened = await openDeps(configWith({ SESSION_STORE: "memory" }), createSilentLogger());
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    await opened.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
    // sockets finish closing a few ticks after close() resolves
    await expect.poll(openSockets).toBeLessThanOrEqual(before);
  });

  it.skipIf(!process.env.REDIS_URL)("Redis: closes the connection", async () => {
    const before = openSockets();
    const opened = await openDeps(configWith({ REDIS_URL: process.env.REDIS_URL ?? "" }), createSilentLogger());
    await opened.deps.registry.ping();
    expect(openSockets()).toBeGreaterThan(before);
    await opened.close();
    await expect(opened.deps.registry.ping()).rejects.toThrow();
    await expect.poll(openSockets).toBeLessThanOrEqual(before);
  });
});
