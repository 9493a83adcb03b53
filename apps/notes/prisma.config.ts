// Prisma CLI configuration of the notes app: its own schema and migrations, applied to the
// PostgreSQL schema `notes` of DATABASE_URL's database (`pnpm --filter @platform/notes db:migrate`;
// the root `pnpm db:migrate` runs it after the identity's). The offline schema engine and the .env
// file are handled as in the root prisma.config.ts (see there).
import "../../packages/db/src/load-env-file.js";

import { fileURLToPath } from "node:url";

import { defineConfig } from "prisma/config";

import { notesDatabaseUrl } from "./src/notes-database-url.js";

if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && process.platform !== "win32") {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(
    new URL("../../packages/db/schema-engine/schema-engine.mjs", import.meta.url),
  );
}

// a blank value counts as unset, as everywhere else
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const shadowDatabaseUrl = process.env.SHADOW_DATABASE_URL?.trim() || undefined;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: databaseUrl && notesDatabaseUrl(databaseUrl),
    shadowDatabaseUrl: shadowDatabaseUrl && notesDatabaseUrl(shadowDatabaseUrl),
  },
});
