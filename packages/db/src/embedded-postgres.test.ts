import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { afterEach, describe, expect, it } from "vitest";

import { createPrismaClient } from "./client.js";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.js";
import { applyMigrations } from "./migrate.js";
import { migrationsDir } from "./paths.js";

const exec = promisify(execFile);
const started: EmbeddedPostgres[] = [];
const directories: string[] = [];
const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "embedded-pg-"));
  directories.push(dir);
  return join(dir, "data");
};
const start = async (dataDir: string) => {
  const db = await startEmbeddedPostgres({ dataDir });
  started.push(db);
  return db;
};
afterEach(async () => {
  for (const db of started.splice(0)) await db.stop().catch(() => {});
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("embedded Postgres", () => {
  it("is reached through adapter-pg like a server, and keeps its data across restarts", async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    expect(first.isNew).toBe(true);
    const committed = readdirSync(migrationsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(await applyMigrations(first.url)).toEqual(committed);
    const prisma = createPrismaClient({ url: first.url, poolMax: first.poolMax, timeouts: first.timeouts });
    await prisma.user.create({ data: { email: "kept@example.com", name: "Kept", passwordHash: "x" } });
    await prisma.$disconnect();
    await first.stop();

    const second = await start(dataDir);
    expect(second.isNew).toBe(false);
    expect(await applyMigrations(second.url)).toEqual([]);
    const reopened = createPrismaClient({ url: second.url, poolMax: second.poolMax, timeouts: second.timeouts });
    expect(await reopened.user.findMany({ select: { email: true } })).toEqual([{ email: "kept@example.com" }]);
    await reopened.$disconnect();
  });

  it("serves one connection at a time: a second client waits for the first instead of being refused", async () => {
    const db = await startEmbeddedPostgres();
    started.push(db);
    const pg = (await import("pg")).default;
    const first = new pg.Client(db.url);
    await first.connect();
    const second = new pg.Client(db.url);
    const secondConnected = second.connect();
    let isSecondIn = false;
    void secondConnected.then(() => (isSecondIn = true));
    await sleep(200);
    expect(isSecondIn).toBe(false);
    await first.end();
    await secondConnected;
    expect((await second.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await second.end();
  });

  it("stays usable after a query fails (the pool replaces its connection)", async () => {
    const db = await start(newDataDir());
    await applyMigrations(db.url);
    const prisma = createPrismaClient({ url: db.url, poolMax: db.poolMax, timeouts: db.timeouts });
    const data = { email: "twice@example.com", name: "Twice", passwordHash: "x" };
    await prisma.user.create({ data });
    await expect(prisma.user.create({ data })).rejects.toMatchObject({ code: "P2002" });
    expect(await prisma.user.count()).toBe(1);
    await prisma.$disconnect();
  });

  it("refuses a second process on the same data directory, naming the one that has it", async () => {
    const dataDir = newDataDir();
    await start(dataDir);
    const script = `import("${fileURLToPath(new URL("./embedded-postgres.ts", import.meta.url))}")
      .then((m) => m.startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} }))
      .then(() => { console.log("opened"); process.exit(0); }, (e) => { console.error(e.message); process.exit(3); });`;
    const result = await exec(process.execPath, ["--import", "tsx", "-e", script]).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`in use by another process \\(pid ${process.pid}\\)`));
  });

  it("refuses a second start in the same process too", async () => {
    const dataDir = newDataDir();
    await start(dataDir);
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/in use by this process/);
  });

  it("takes over a lock left by a process that has ended", async () => {
    const dataDir = newDataDir();
    const ended = await start(dataDir);
    started.pop(); // stopped here, not after the test
    await ended.stop();
    writeFileSync(join(dataDir, "owner.pid"), "999999");
    await expect(start(dataDir)).resolves.toMatchObject({ isNew: false });
  });

  it("refuses a directory that is not one of ours", async () => {
    const dataDir = newDataDir();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "notes.txt"), "someone's files");
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/is not an embedded database of this project/);
  });

  it("refuses to start on an empty database when its data has gone missing", async () => {
    const dataDir = newDataDir();
    await (await start(dataDir)).stop();
    started.pop();
    rmSync(join(dataDir, "pgdata"), { recursive: true });
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
      /is incomplete .* Refusing to start on an empty database/,
    );
  });

  it("explains a damaged data directory instead of crashing", async () => {
    const dataDir = newDataDir();
    await (await start(dataDir)).stop();
    started.pop();
    writeFileSync(join(dataDir, "pgdata", "global", "pg_control"), Buffer.alloc(8192, 7));
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
      /could not be opened .* delete it to start afresh/,
    );
  });

  it("explains a data directory that cannot be written", async () => {
    await expect(startEmbeddedPostgres({ dataDir: "/sys/platform-identity-data" })).rejects.toThrow(
      /Cannot write to the data directory/,
    );
    await expect(startEmbeddedPostgres({ dataDir: "/dev/null/data" })).rejects.toThrow(
      /Cannot write to the data directory/,
    );
  });
});
