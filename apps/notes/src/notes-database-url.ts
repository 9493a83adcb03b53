// Where the notes app's tables live on a PostgreSQL server: the schema `notes` of whatever database
// DATABASE_URL names (`?schema=notes`). Prisma's client qualifies every table with it, and its
// migration engine creates the schema and keeps the `_prisma_migrations` of notes there, so notes
// and the identity can share one database without sharing a table or a migration history.
// The embedded database (PGlite) is not given a schema: it is the notes app's alone (a directory of
// its own), and PGlite ignores the connection's search_path, which the migration engine relies on.
export const notesSchema = "notes";

/** A server URL with `?schema=notes` (replacing any schema it named). */
export function notesDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set("schema", notesSchema);
  return url.toString();
}
