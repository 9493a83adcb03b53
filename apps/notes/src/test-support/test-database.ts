// A notes database for one test file, migrated with the committed notes migrations, so files run
// in parallel and repeat without cleaning up after each other:
//  - DATABASE_URL set: a new database on that server, its tables in the schema `notes` as in
//    production (CREATE DATABASE + migrations), dropped afterwards;
//  - unset: an in-memory embedded Postgres (PGlite), as `pnpm dev` runs with nothing configured.
import { randomUUID } from "node:crypto";

import { createDatabase, dropDatabase, startEmbeddedPostgres } from "@platform/db";

import { createNotesPrisma, migrateNotes, type NotesPrisma } from "../notes-database.js";
import { notesDatabaseUrl } from "../notes-database-url.js";

export interface NotesTestDatabase {
  /** The URL the app is given (with `?schema=notes` on a server). */
  url: string;
  prisma: NotesPrisma;
  kind: "server" | "embedded";
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

export async function createNotesTestDatabase(serverUrl = process.env.DATABASE_URL): Promise<NotesTestDatabase> {
  if (serverUrl) {
    const databaseUrl = new URL(serverUrl);
    databaseUrl.pathname = `/test_notes_${randomUUID().replaceAll("-", "")}`;
    databaseUrl.search = "";
    await createDatabase(databaseUrl.toString());
    const url = notesDatabaseUrl(databaseUrl.toString());
    await migrateNotes(url);
    const prisma = createNotesPrisma({ url, poolMax: 4 });
    return {
      url,
      prisma,
      kind: "server",
      async drop() {
        await prisma.$disconnect();
        await dropDatabase(databaseUrl.toString());
      },
    };
  }
  const embedded = await startEmbeddedPostgres();
  await migrateNotes(embedded.url);
  const prisma = createNotesPrisma({ url: embedded.url, poolMax: embedded.poolMax, timeouts: embedded.timeouts });
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
