// The committed migrations and the schema must describe the same database, and the standard
// Prisma CLI must work without Prisma's native engines (through schema-engine/schema-engine.mjs).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { repoRoot } from "./paths.js";
import { createTestDatabase, type TestDatabase } from "./testing.js";

const exec = promisify(execFile);
const prisma = (args: string[], env: Record<string, string> = {}) =>
  exec("pnpm", ["exec", "prisma", ...args], { cwd: repoRoot, env: { ...process.env, ...env } });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe("migrations", () => {
  it("migrate an empty database to exactly the tables of the contract", async () => {
    const tables = await db.prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
    expect(tables.map((t) => t.table_name)).toEqual([
      "_prisma_migrations",
      "audit_events",
      "registry_outbox",
      "sessions",
      "users",
    ]);
    const columns = await db.prisma.$queryRaw<{ column_name: string; data_type: string }[]>`
      SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'users' ORDER BY column_name`;
    expect(columns).toContainEqual({ column_name: "roles", data_type: "ARRAY" });
    expect(columns).toContainEqual({ column_name: "password_hash", data_type: "text" });
  });
});

// The CLI needs a real server: PGlite has one database and serves one connection, while the CLI
// opens its own connections and `migrate dev` creates a temporary shadow database.
const hasServer = Boolean(process.env.DATABASE_URL);
if (!hasServer)
  console.warn(
    "NOTICE: Prisma CLI tests skipped: set DATABASE_URL=postgres://... to run them against a PostgreSQL server.",
  );

describe.runIf(hasServer)("the standard Prisma CLI, without native engines", () => {
  it("migrations and schema agree: `prisma migrate diff` is empty", async () => {
    const { stdout } = await prisma(
      ["migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
      { DATABASE_URL: db.url },
    );
    expect(stdout).toMatch(/No difference detected/i);
  });

  it("`prisma migrate status` and `migrate deploy` see the database as up to date", async () => {
    const status = await prisma(["migrate", "status"], { DATABASE_URL: db.url });
    expect(status.stdout).toMatch(/Database schema is up to date/);
    const deploy = await prisma(["migrate", "deploy"], { DATABASE_URL: db.url });
    expect(deploy.stdout).toMatch(/No pending migrations to apply/);
  });

  it("`prisma migrate dev` finds nothing to create (through a temporary shadow database)", async () => {
    const dev = await prisma(["migrate", "dev"], { DATABASE_URL: db.url });
    expect(dev.stdout).toMatch(/Already in sync/);
  });
});
