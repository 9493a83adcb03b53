import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { userIdSchema } from "../input-schemas.js";
import { adminProcedure, authedProcedure, router } from "../trpc.js";
import { publicUserSelect } from "../user-select.js";

export const usersRouter = router({
  findById: authedProcedure.input(userIdSchema).query(async ({ ctx: { deps }, input: id }) => {
    const user = await deps.prisma.user.findUnique({ where: { id }, select: publicUserSelect });
    if (!user) throw new TRPCError({ code: "NOT_FOUND", message: `No user with id '${id}'` });
    return user;
  }),

  /** Oldest first; pass `nextCursor` back as `cursor` for the next page. */
  list: adminProcedure
    .input(
      z
        .strictObject({
          cursor: z.string().min(1).max(64).optional(),
          limit: z.number().int().min(1).max(100).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx: { deps }, input: { cursor, limit } }) => {
      const rows = await deps.prisma.user.findMany({
        select: publicUserSelect,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: limit + 1,
        ...(cursor ? { cursor: { id: cursor } } : {}),
      });
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? rows[limit]!.id : null };
    }),
});
