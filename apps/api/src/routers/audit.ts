import { z } from "zod";

import { auditActions } from "../audit-log.js";
import { textInput } from "../input-schemas.js";
import { pageFields, pageQuery, toPage } from "../pagination.js";
import { adminProcedure, router } from "../trpc.js";

const auditFilters = {
  actorId: textInput("Actor id").min(1).max(64).optional(),
  subjectId: textInput("Subject id").min(1).max(64).optional(),
  action: z.enum(auditActions).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  since: z.date().optional(),
  until: z.date().optional(),
};

export const auditRouter = router({
  /** Newest first, filtered; pass `nextCursor` back as `cursor` for the next page. */
  list: adminProcedure
    .input(z.strictObject({ ...auditFilters, ...pageFields(200) }).prefault({}))
    .query(async ({ ctx: { deps }, input }) => {
      const { actorId, subjectId, action, outcome, since, until } = input;
      const rows = await deps.prisma.auditEvent.findMany({
        where: {
          actorId,
          subjectId,
          action,
          outcome,
          ...(since || until ? { createdAt: { gte: since, lt: until } } : {}),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        ...pageQuery(input),
      });
      return toPage(rows, input.limit);
    }),
});
