// Applies the committed migrations in prisma/migrations from code, exactly as `prisma migrate
// deploy` does (same engine, same `_prisma_migrations` bookkeeping), without spawning the CLI.
// Used for the embedded database and for test databases.
import { readFile } from "node:fs/promises";

import { createEngine, readMigrations } from "../schema-engine/wasm-engine.mjs";
import { migrationsDir, schemaPath } from "./paths.js";

export async function applyMigrations(databaseUrl: string): Promise<string[]> {
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
