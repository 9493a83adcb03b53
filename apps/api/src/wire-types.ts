// The plain shapes that procedures return and clients read. No imports on purpose: the client
// package bundles the router's declarations (packages/client/tsdown.config.ts), and a type from a
// module that imports Prisma, Fastify or the server's dependencies would drag them in with it.

/** A page of a list: `{ items, nextCursor }` (see pagination.ts). */
export interface Page<T> {
  items: T[];
  /** Pass it back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * What sign-in, sign-up and refresh return. `refreshToken` is in the body unless the request asked
 * for the refresh cookie (`x-refresh-token: cookie` with REFRESH_COOKIE=on), which then holds it.
 */
export interface IssuedTokens {
  token: string;
  refreshToken?: string;
}

/** A JSON value, as stored in the audit log's `details` (Prisma's JsonValue, without Prisma). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key in string]?: JsonValue };

/** The most calls one HTTP batch may carry; the server refuses more and the client splits there. */
export type MaxBatchSize = 10;
