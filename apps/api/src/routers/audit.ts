import { z } from "zod";

import { auditActions } from "../audit-log.js";
import { adminProcedure, router } from "../trpc.js";

export const auditRouter = router({
  /** Newest first, filtered; pass `nextCursor` back as `cursor` for the next page. */
  list: adminProcedure
    .input(
      z
        .strictObject({
          actorId: z.string().min(1).max(64).optional(),
          subjectId: z.string().min(1).max(64).optional(),
          action: z.enum(auditActions).optional(),
          outcome: z.enum(["success", "failure"]).optional(),
          since: z.date().optional(),
          until: z.date().optional(),
          cursor: z.string().min(1).max(64).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx: { deps }, input }) => {
      const rows = await deps.prisma.auditEvent.findMany({
        where: {
          ...(input.actorId ? { actorId: input.actorId } : {}),
          ...(input.subjectId ? { subjectId: input.subjectId } : {}),
          ...(input.action ? { action: input.action } : {}),
          ...(input.outcome ? { outcome: input.outcome } : {}),
          ...(input.since || input.until
            ? {
                createdAt: {
                  ...(input.since ? { gte: input.since } : {}),
                  ...(input.until ? { lt: input.until } : {}),
                },
              }
            : {}),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor } } : {}),
      });
      const items = rows.slice(0, input.limit);
      return { items, nextCursor: rows.length > input.limit ? rows[input.limit]!.id : null };
    }),
});
