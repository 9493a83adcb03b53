// The notes app's database: its Prisma client (generated from prisma/schema.prisma into
// src/generated, on the identity's pooled, time-bounded driver adapter) and its migrations, applied
// from code where nobody runs `pnpm db:migrate` (the embedded database, development, tests). URLs
// are taken as they are: a server's carries `?schema=notes` (notes-database-url.ts).
import { fileURLToPath } from "node:url";

import { applyMigrations, createPgAdapter, type MigrationSource, type PrismaClientOptions } from "@platform/db";

import { PrismaClient } from "./generated/prisma/client.js";

export type NotesPrisma = PrismaClient;

// src/ and dist/ are at the same depth
const notesMigrations: MigrationSource = {
  schemaPath: fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url)),
  migrationsDir: fileURLToPath(new URL("../prisma/migrations", import.meta.url)),
};

/** The names of the notes migrations this call applied (none: up to date). */
export function migrateNotes(url: string): Promise<string[]> {
  return applyMigrations(url, notesMigrations);
}

export function createNotesPrisma(options: PrismaClientOptions): NotesPrisma {
  return new PrismaClient({ adapter: createPgAdapter(options) });
}
