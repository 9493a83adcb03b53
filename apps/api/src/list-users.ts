// One page of users.list in one hand-written SQL statement. users.list is the API's hot admin read,
// and on it Prisma's query interpreter (building the statement from `findMany` arguments, then
// mapping every row) cost about a quarter of the query's CPU time, measured per call with the same
// rows and the same single statement on the wire (issue #9). The statement is Prisma's own for
// `findMany({ select: publicUserSelect, orderBy: [createdAt, id], cursor, take })`: the cursor's
// row starts the page, an unknown cursor gives an empty page, and a NULL `roles` (the column allows
// it; Prisma never writes it) reads as [] as Prisma reads it. It names the same columns as
// `publicUserSelect` (the password hash never leaves this file); list-users.test.ts holds it to
// the findMany it replaces.
import type { PrismaClient } from "@platform/db";

import { pageQuery } from "./pagination.js";
import type { PublicUser } from "./user-select.js";

/** `limit + 1` users (pageQuery's `take`) from `cursor` on, oldest first, the id breaking ties. */
export function listUsers(
  prisma: PrismaClient,
  page: { cursor?: string | undefined; limit: number },
): Promise<PublicUser[]> {
  const { take } = pageQuery(page);
  return page.cursor
    ? prisma.$queryRaw<PublicUser[]>`
        SELECT id, email, name, COALESCE(roles, '{}') AS roles, created_at AS "createdAt" FROM users
        WHERE (created_at, id) >= (SELECT created_at, id FROM users WHERE id = ${page.cursor})
        ORDER BY created_at, id LIMIT ${take}`
    : prisma.$queryRaw<PublicUser[]>`
        SELECT id, email, name, COALESCE(roles, '{}') AS roles, created_at AS "createdAt" FROM users
        ORDER BY created_at, id LIMIT ${take}`;
}
