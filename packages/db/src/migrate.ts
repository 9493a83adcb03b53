// Applies committed migrations from code, exactly as `prisma migrate deploy` does (same engine,
// same `_prisma_migrations` bookkeeping), without spawning the CLI. Used for the embedded database
// and for test databases. By default the identity's (prisma/); an app with data of its own (a
// specialist, e.g. apps/notes) passes its own schema and migrations, and a URL whose `?schema=`
// keeps its tables and its `_prisma_migrations` apart from the identity's.
import { readFile } from "node:fs/promises";

import { createEngine, readMigrations } from "../schema-engine/wasm-engine.mjs";
import { migrationsDir as identityMigrationsDir, schemaPath as identitySchemaPath } from "./paths.js";

export interface MigrationSource {
  /** The Prisma schema the migrations belong to. */
  schemaPath: string;
  /** The directory of committed migrations (one sub-directory each, and migration_lock.toml). */
  migrationsDir: string;
}

const identityMigrations: MigrationSource = { schemaPath: identitySchemaPath, migrationsDir: identityMigrationsDir };

/** The names of the migrations this call applied (none: the database was up to date). */
export async function applyMigrations(
  databaseUrl: string,
  { schemaPath, migrationsDir }: MigrationSource = identityMigrations,
): Promise<string[]> {
  const schema = await readFile(schemaPath, "utf8");
  const { engine, adapter } = await createEngine({ url: databaseUrl, datamodels: [[schemaPath, schema]] });
  try {
    const migrationsList = await readMigrations(migrationsDir);
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return appliedMigrationNames;
  } finally {
    engine.free();
    await adapter.close();
  }
}
