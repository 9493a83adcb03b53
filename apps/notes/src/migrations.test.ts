// The notes migrations: on a server they keep to the schema `notes`, with a migration history of
// their own, so the identity's and the notes app's migrations share one database without meeting;
// and the committed SQL and prisma/schema.prisma describe the same tables (the standard CLI says
// so, through the offline schema engine). Needs a server: PGlite has one database and ignores the
// search_path the engine relies on (the embedded path is covered by the other tests).
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { applyMigrations, createDatabase, dropDatabase } from "@platform/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { migrateNotes } from "./notes-database.js";
import { notesDatabaseUrl } from "./notes-database-url.js";

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl)
  console.warn("NOTICE: notes migration tests skipped: set DATABASE_URL=postgres://... to run them against a server.");

const notesDir = fileURLToPath(new URL("..", import.meta.url));
const exec = promisify(execFile);

describe.runIf(serverUrl)("notes migrations on a PostgreSQL server", () => {
  let databaseUrl: string;
  let client: pg.Client;
  const rows = async <T>(sql: string) => (await client.query(sql)).rows as T[];

  beforeAll(async () => {
    const url = new URL(serverUrl ?? "");
    url.pathname = `/test_notes_migrations_${randomUUID().replaceAll("-", "")}`;
    url.search = "";
    databaseUrl = url.toString();
    await createDatabase(databaseUrl);
    // the identity's and the notes app's, in one database, as the root `pnpm db:migrate` does
    await applyMigrations(databaseUrl);
    await migrateNotes(notesDatabaseUrl(databaseUrl));
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(databaseUrl);
  });

  it("creates exactly the notes table and its own _prisma_migrations, in the schema notes", async () => {
    const tables = await rows<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'notes' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(["_prisma_migrations", "notes"]);
    const columns = await rows<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'notes' AND table_name = 'notes' ORDER BY column_name",
    );
    expect(columns).toEqual([
      { column_name: "created_at", data_type: "timestamp without time zone" },
      { column_name: "id", data_type: "text" },
      { column_name: "text", data_type: "text" },
      { column_name: "user_id", data_type: "text" },
    ]);
  });

  it("keeps two migration histories that never meet, and no foreign key into the identity's tables", async () => {
    const history = (schema: string) =>
      rows<{ migration_name: string }>(`SELECT migration_name FROM "${schema}"._prisma_migrations`);
    const identity = (await history("public")).map((row) => row.migration_name);
    const notes = (await history("notes")).map((row) => row.migration_name);
    expect(notes).toEqual([expect.stringMatching(/_notes$/) as string]);
    expect(identity).not.toContain(notes[0]);
    expect(identity.length).toBeGreaterThan(0);
    const foreignKeys = await rows(
      "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'notes' AND c.contype = 'f'",
    );
    expect(foreignKeys).toEqual([]);
  });

  it("is applied once: a second run applies nothing", async () => {
    expect(await migrateNotes(notesDatabaseUrl(databaseUrl))).toEqual([]);
  });

  it("agrees with prisma/schema.prisma: `prisma migrate diff` through the notes config is empty", async () => {
    const { stdout } = await exec(
      "pnpm",
      [
        "exec",
        "prisma",
        "migrate",
        "diff",
        "--from-config-datasource",
        "--to-schema",
        "prisma/schema.prisma",
        "--exit-code",
      ],
      { cwd: notesDir, env: { ...process.env, DATABASE_URL: databaseUrl } },
    );
    expect(stdout).toMatch(/No difference detected/i);
  });
});
