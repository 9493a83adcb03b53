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
