// Why the process cannot start, in one line a person can act on (printed as plain text by
// main.ts). The error underneath, when there is one, rides along as `cause` and is logged at debug.
export class StartupError extends Error {
  override name = "StartupError";
}
