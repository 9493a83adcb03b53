// Test databases: each test file gets a database of its own, migrated with the committed
// migrations, so files run in parallel and repeat without cleaning up after each other.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createPrismaClient, type PrismaClient } from "./client.js";
import { applyMigrations } from "./migrate.js";

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated, empty database on the server of `serverUrl` (default: DATABASE_URL). */
export async function createTestDatabase(serverUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  if (!serverUrl) throw new Error("createTestDatabase needs DATABASE_URL (a postgres:// URL)");
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(serverUrl, name);
  await applyMigrations(url);
  const prisma = createPrismaClient({ url, poolMax: 4 });
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
