// Why the process cannot start, in one line a person can act on (printed as plain text by
// main.ts). The error underneath, when there is one, rides along as `cause` and is logged at debug.
export class StartupError extends Error {
  override name = "StartupError";
}

/** "postgres://user:secret@host:5432/db" -> "postgres://user@host:5432/db" (never print passwords). */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = "";
  return parsed.toString();
}
