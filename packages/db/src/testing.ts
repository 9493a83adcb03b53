// Test databases: each test file gets a database of its own, migrated with the committed
// migrations, so files run in parallel and repeat without cleaning up after each other.
//  - DATABASE_URL set: a new database on that server (CREATE DATABASE + migrations, ~0.2 s).
//  - unset: an in-memory embedded Postgres loaded from a migrated snapshot (~0.7 s). The snapshot
//    is built once and cached in node_modules/.cache, keyed by the migrations and PGlite version.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { createPrismaClient, type PrismaClient } from "./client.js";
import { snapshotEmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.js";
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
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    const snapshot = await snapshotEmbeddedPostgres(async (url) => {
      await applyMigrations(url);
    });
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await snapshot.arrayBuffer()));
    renameSync(partial, path); // atomic: parallel builders never read half a file
    return snapshot;
  }
}
