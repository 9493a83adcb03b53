// Test databases: each test file gets a database of its own, migrated with the committed
// migrations, so files run in parallel and repeat without cleaning up after each other.
//  - DATABASE_URL set: a new database on that server (CREATE DATABASE + migrations, ~0.2 s).
//  - unset: an in-memory embedded Postgres loaded from a migrated snapshot (~0.7 s). The snapshot
//    is built once and cached in node_modules/.cache, keyed by the migrations and PGlite version;
//    concurrent test processes wait for the one that builds it.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import { createPrismaClient, type PrismaClient } from "./client.js";
import { isRunning, snapshotEmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.js";
import { applyMigrations } from "./migrate.js";
import { migrationsDir, repoRoot } from "./paths.js";
import { createDatabase, dropDatabase, withDatabase } from "./server-database.js";

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  /** "server" for a real PostgreSQL server, "embedded" for PGlite (one connection at a time). */
  kind: "server" | "embedded";
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated, empty database: on DATABASE_URL's server when set, embedded otherwise. */
export function createTestDatabase(serverUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  return serverUrl ? createServerTestDatabase(serverUrl) : createEmbeddedTestDatabase();
}

async function createServerTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const url = withDatabase(serverUrl, `test_${randomUUID().replaceAll("-", "")}`);
  await createDatabase(url);
  await applyMigrations(url);
  const prisma = createPrismaClient({ url, poolMax: 4 });
  return {
    url,
    prisma,
    kind: "server",
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(url);
    },
  };
}

async function createEmbeddedTestDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres({ snapshot: await migratedSnapshot() });
  const prisma = createPrismaClient({ url: embedded.url, poolMax: embedded.poolMax, timeouts: embedded.timeouts });
  return {
    url: embedded.url,
    prisma,
    kind: "embedded",
    async drop() {
      await prisma.$disconnect();
      await embedded.stop();
    },
  };
}

async function migratedSnapshot(): Promise<Blob> {
  const pglitePackage = fileURLToPath(new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url));
  const hash = createHash("sha256").update(readFileSync(pglitePackage));
  for (const entry of readdirSync(migrationsDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
    hash.update(entry.name).update(readFileSync(join(entry.parentPath, entry.name)));
  }
  const cacheDir = join(repoRoot, "node_modules", ".cache", "platform-test-db");
  const path = join(cacheDir, `migrated-${hash.digest("hex").slice(0, 16)}.tar.gz`);
  mkdirSync(cacheDir, { recursive: true });
  // One builder at a time, across every test process of the repo: on a fresh clone `pnpm test`
  // starts all packages at once, and each building its own snapshot on two cores took over a
  // minute; the others wait for the file instead.
  for (;;) {
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    if (takeBuildLock(`${path}.lock`)) break;
    await sleep(200);
  }
  try {
    const snapshot = await snapshotEmbeddedPostgres(async (url) => {
      await applyMigrations(url);
    });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await snapshot.arrayBuffer()));
    renameSync(partial, path); // atomic: nobody reads half a file
    return snapshot;
  } finally {
    rmSync(`${path}.lock`, { force: true });
  }
}

/** Takes the lock file, or says someone alive holds it (a dead holder's lock is taken over). */
function takeBuildLock(lockPath: string): boolean {
  try {
    writeFileSync(lockPath, String(process.pid), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  let holder: number;
  try {
    holder = Number(readFileSync(lockPath, "utf8"));
  } catch {
    return false; // released just now: the next round finds the file or takes the lock
  }
  // an empty file is a lock being written: its holder is alive
  if (holder && !isRunning(holder)) rmSync(lockPath, { force: true });
  return false;
}
