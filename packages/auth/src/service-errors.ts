// Is an error a backing service (Postgres, Redis, the identity's JWKS) being unreachable, or not
// answering in time, rather than a bug? Those are answered with SERVICE_UNAVAILABLE (503) so
// clients and load balancers can retry. Timeouts count: during a partition nothing is refused or
// reset, calls only wait, and the drivers' timeouts (apps/api/src/redis-connection.ts,
// packages/db/src/client.ts, the JWKS fetch's in jwks-verifier.ts) are what ends them.
const networkErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01", // admin_shutdown (a failover, a restart)
  "57P03", // cannot_connect_now (starting up)
  "57014", // query_canceled: statement_timeout
  "25P03", // idle_in_transaction_session_timeout
  "57P05", // idle_session_timeout
]);
const messages = [
  // a Redis Cluster losing a master, moving slots, or a node still loading its data
  /^CLUSTERDOWN/,
  /^TRYAGAIN/,
  /^LOADING/,
  /Too many Cluster redirections/i,
  /Failed to refresh slots cache/i,
  /Connection is closed/i,
  /enableOfflineQueue/i,
  /Can't reach database server/i,
  /Connection terminated/i,
  /DatabaseNotReachable/i,
  /Command timed out/i, // ioredis commandTimeout
  /Socket timeout/i, // ioredis socketTimeout
  /max retries per request/i, // ioredis, a command caught by a reconnection
  /Query read timeout/i, // pg query_timeout
  /timeout expired/i, // pg connectionTimeoutMillis (connecting)
  /timeout exceeded when trying to connect/i, // pg-pool connectionTimeoutMillis (waiting for a slot)
  /statement timeout/i,
  // Prisma P2028, waiting for the pool to start an interactive transaction (maxWait): the database
  // or its pool is saturated, which passes. (Other P2028s, such as a transaction used after it
  // expired, are bugs and stay 500.)
  /Unable to start a transaction in the given time/i,
];

/**
 * Another service of the platform (the identity service a specialist asks, a JWKS endpoint) did
 * not answer, or answered with something other than an answer: an outage like a database's.
 */
export class ServiceUnreachableError extends Error {
  readonly kind = "ServiceUnreachable";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServiceUnreachableError";
  }
}

const outageKinds = new Set(["DatabaseNotReachable", "ConnectionClosed", "ServiceUnreachable"]);

export function isServiceUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, kind } = e as { code?: unknown; message?: unknown; kind?: unknown };
    if (typeof code === "string" && networkErrorCodes.has(code)) return true;
    if (typeof kind === "string" && outageKinds.has(kind)) return true;
    if (typeof message === "string" && messages.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}
