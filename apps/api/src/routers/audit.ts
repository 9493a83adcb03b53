import { z } from "zod";

import { auditActions } from "../audit-log.js";
import { textInput } from "../input-schemas.js";
import { pageFields, pageQuery, toPage } from "../pagination.js";
import { adminProcedure, router } from "../trpc.js";
import type { JsonValue, Page } from "../wire-types.js";

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
      // `details` typed as plain JSON, not Prisma's JsonValue: the client's published types name it
      type Row = (typeof rows)[number];
      const page: Page<{ [K in keyof Row]: K extends "details" ? JsonValue | null : Row[K] }> = toPage(
        rows,
        input.limit,
      );
      return page;
    }),
});
