// The Prisma client: Prisma through the pg driver adapter, the same path for a real server and the
// embedded one. Every wait on the database is bounded, so that a partition (packets dropped, no
// reset: a failover, a dead link) fails calls fast instead of hanging them:
//   connectMs    getting a connection: a free pool slot, or a new connection up to its first query
//   queryMs      one query, client side (pg's query_timeout): no answer in time and the connection
//                is destroyed, so its pool slot and socket are freed at once and the next query of
//                a transaction (its ROLLBACK) fails at once instead of queueing behind a dead one
//   statementMs  one statement, server side (statement_timeout), a little below queryMs: a slow
//                query or a lock wait on a healthy server is cancelled there and the connection kept
// Sessions left idle inside a transaction (a client partitioned away while holding row locks) are
// ended by the server after `idle_in_transaction_session_timeout`, so their locks do not block
// other instances. Migrations do not come through here (they have a connection of their own, see
// migrate.ts), so long DDL is not cut short.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

import { PrismaClient } from "./generated/prisma/client.js";

export interface DatabaseTimeouts {
  connectMs: number;
  queryMs: number;
  statementMs: number;
}

/**
 * A server: the API's hot path answers within 2 s during a partition (a sign-in is a few short
 * queries, each well under 100 ms on a healthy server).
 */
export const serverDatabaseTimeouts: DatabaseTimeouts = { connectMs: 1_000, queryMs: 1_500, statementMs: 1_250 };

/**
 * The embedded database runs in this process (no network to partition) and serves one connection
 * at a time, so a call may queue behind others for a while (parallel tests on a busy machine), and
 * a new connection waits up to 10 s for the previous one to be gone: generous bounds, only so that
 * nothing waits forever.
 */
export const embeddedDatabaseTimeouts: DatabaseTimeouts = { connectMs: 30_000, queryMs: 30_000, statementMs: 29_000 };

/** How long the server keeps a session that sits idle inside a transaction (holding its locks). */
const idleInTransactionMs = 10_000;

export interface PrismaClientOptions {
  url: string;
  /** Pool size. The embedded database must use 1 (PGlite serves one connection correctly). */
  poolMax?: number;
  /** Default: `serverDatabaseTimeouts`. */
  timeouts?: DatabaseTimeouts;
}

const queryTimeoutMessage = "Query read timeout"; // pg's, for query_timeout

/**
 * pg's query_timeout fails the query but keeps the connection waiting for the answer, so every
 * later query on it queues behind the dead one. A connection that missed an answer is done for:
 * destroy it (pg then fails its queued queries and the pool drops it).
 */
function destroyOnQueryTimeout(client: pg.PoolClient): void {
  const { connection } = client as unknown as pg.Client;
  const giveUp = (error: unknown) => {
    if (error instanceof Error && error.message === queryTimeoutMessage) connection.stream.destroy();
  };
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const guarded = (...args: unknown[]): unknown => {
    const callback = args.at(-1);
    if (typeof callback === "function") {
      // the pool's own queries: (text, values, callback)
      args[args.length - 1] = (error: unknown, result: unknown) => {
        giveUp(error);
        (callback as (error: unknown, result: unknown) => void)(error, result);
      };
      return query(...args);
    }
    const result = query(...args);
    // this handler runs before the caller's (attached first): the connection is gone by then
    if (result instanceof Promise) result.catch(giveUp);
    return result;
  };
  Object.assign(client, { query: guarded });
}

/** The identity's Prisma client. */
export function createPrismaClient(options: PrismaClientOptions): PrismaClient {
  return new PrismaClient({ adapter: createPgAdapter(options) });
}

/**
 * The driver adapter behind `createPrismaClient`, with its pool, bounds and `?schema=`: for an app
 * that generates a Prisma client of its own (apps/notes) and wants the same connection handling.
 */
export function createPgAdapter({
  url,
  poolMax = 10,
  timeouts = serverDatabaseTimeouts,
}: PrismaClientOptions): PrismaPg {
  const schema = new URL(url).searchParams.get("schema") ?? undefined;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.queryMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: idleInTransactionMs,
    // lets the operating system notice a dead peer under idle pooled connections
    keepAlive: true,
  });
  pool.on("connect", destroyOnQueryTimeout);
  return new PrismaPg(pool, { disposeExternalPool: true, ...(schema ? { schema } : {}) });
}

export type { PrismaClient };
