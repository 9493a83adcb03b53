// Prisma 7 CLI configuration. The CLI normally downloads a native schema engine; our machines (and
// CI, and offline laptops) cannot, so unless a native binary is configured explicitly we point it at
// the stand-in in packages/db/schema-engine, which runs Prisma's own wasm engine. See README.md.
// Prisma 7 no longer reads .env by itself: the import below does (for every Prisma command, and
// for the seed it runs), with variables already set winning.
import "./packages/db/src/load-env-file.js";

import { fileURLToPath } from "node:url";

import { defineConfig } from "prisma/config";

if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && process.platform !== "win32") {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(
    new URL("./packages/db/schema-engine/schema-engine.mjs", import.meta.url),
  );
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx --conditions=source prisma/seed.ts" },
  // process.env rather than env(): env() throws when unset, which would break `prisma generate`.
  datasource: { url: process.env.DATABASE_URL, shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL },
});
