// What a person needs from a database error at start-up: one line. Prisma frames driver errors as
// "\nInvalid `prisma.$queryRaw()` invocation:\n\n\nRaw query failed. Code: `3D000`. Message: `...`";
// the line that matters is the message at the end. The whole error is logged at debug.

/** The driver's own message, without Prisma's framing; the first line of anything else. */
export function summarizeDatabaseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  if (!/^Invalid `.*` invocation/.test(lines[0] ?? "")) return lines[0] ?? message;
  const last = lines.at(-1) ?? message;
  return /Message: `(.*)`\.?$/.exec(last)?.[1] ?? last;
}

/** Whether the server said the database of the URL does not exist (SQLSTATE 3D000). */
export function isMissingDatabase(error: unknown): boolean {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } })
    .meta?.driverAdapterError?.cause;
  return cause?.kind === "DatabaseDoesNotExist" || cause?.originalCode === "3D000";
}

/** How to create the database a URL names, in the words of `createdb` and of SQL. */
export function createDatabaseHint(url: string, name: string): string {
  const { hostname, port, username } = new URL(url);
  const shellWord = (word: string) => (/^[\w.-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
  const options = [
    hostname && `-h ${shellWord(decodeURIComponent(hostname))}`,
    port && `-p ${port}`,
    username && `-U ${shellWord(decodeURIComponent(username))}`,
  ].filter(Boolean);
  const sqlName = `"${name.replaceAll('"', '""')}"`;
  return `database "${name}" does not exist. Create it with \`createdb ${[...options, shellWord(name)].join(" ")}\` (or SQL: CREATE DATABASE ${sqlName};), then run \`pnpm db:migrate\``;
}
