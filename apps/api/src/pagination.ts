// Cursor pagination, the same for every list: `{ cursor?, limit? }` in, `{ items, nextCursor }`
// out. The cursor is the id of the first row of the next page; rows are read one past the limit
// to know whether there is one.
import { z } from "zod";

import { textInput } from "./input-schemas.js";
import type { Page } from "./wire-types.js";

export type { Page } from "./wire-types.js";

export const defaultPageSize = 50;

/**
 * The paging fields of a list's input, beside its own filters:
 * `z.strictObject({ ...filters, ...pageFields(100) }).prefault({})` (no input: the first page).
 */
export function pageFields(maxLimit: number) {
  return {
    cursor: textInput("Cursor").min(1).max(64).optional(),
    limit: z.number().int().min(1).max(maxLimit).default(defaultPageSize),
  };
}

/** The Prisma arguments that read one page: `findMany({ where, orderBy, ...pageQuery(input) })`. */
export function pageQuery({ cursor, limit }: { cursor?: string | undefined; limit: number }) {
  return { take: limit + 1, ...(cursor ? { cursor: { id: cursor } } : {}) };
}

/** The page from rows read with pageQuery. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? (rows[limit]?.id ?? null) : null };
}
