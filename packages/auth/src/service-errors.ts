// Is an error a backing service (Postgres, Redis) being unreachable, rather than a bug? Those are
// answered with SERVICE_UNAVAILABLE (503) so clients and load balancers can retry.
const networkErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01",
  "57P03",
]);
const messages = [
  /Connection is closed/i,
  /enableOfflineQueue/i,
  /Can't reach database server/i,
  /Connection terminated/i,
  /DatabaseNotReachable/i,
];

export function isServiceUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, kind } = e as { code?: unknown; message?: unknown; kind?: unknown };
    if (typeof code === "string" && networkErrorCodes.has(code)) return true;
    if (kind === "DatabaseNotReachable" || kind === "ConnectionClosed") return true;
    if (typeof message === "string" && messages.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}
