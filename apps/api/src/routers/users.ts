import { TRPCError } from "@trpc/server";
import { z } from "zod";

import { withAdminGuard } from "../admin-guard.js";
import { recordAudit } from "../audit-log.js";
import { rolesSchema, userIdSchema } from "../input-schemas.js";
import { revokeSessions } from "../session-lifecycle.js";
import { adminProcedure, authedProcedure, router } from "../trpc.js";
import { publicUserSelect } from "../user-select.js";

const userIdInput = z.strictObject({ id: userIdSchema });

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

  /** Replaces a user's roles; applies on that user's next call, whatever tokens they hold. */
  setRoles: adminProcedure
    .input(z.strictObject({ id: userIdSchema, roles: rolesSchema }))
    .mutation(async ({ ctx: { deps, principal, request }, input }) => {
      const { before, updated } = await withAdminGuard(
        deps,
        input.id,
        input.roles.includes("admin"),
        async (tx, target) => ({
          before: target.roles,
          updated: await tx.user.update({
            where: { id: input.id },
            data: { roles: input.roles, rolesVersion: { increment: 1 } },
            select: { ...publicUserSelect, rolesVersion: true },
          }),
        }),
      );
      // versioned: a stale write (a sign-in that read the old roles) can never undo this one,
      // and retrying after a registry failure writes a newer version that heals it
      const { rolesVersion, ...user } = updated;
      await deps.registry.setRoles(user.id, { roles: user.roles, version: rolesVersion });
      await recordAudit(deps, {
        action: "role_change",
        outcome: "success",
        actorId: principal.userId,
        subjectId: user.id,
        request,
        details: { before, after: user.roles },
      });
      return user;
    }),

  /** Ends every session of a user (e.g. a lost laptop). */
  revokeSessions: adminProcedure.input(userIdInput).mutation(async ({ ctx: { deps, principal, request }, input }) => {
    const exists = await deps.prisma.user.count({ where: { id: input.id } });
    if (!exists) throw new TRPCError({ code: "NOT_FOUND", message: `No user with id '${input.id}'` });
    const revoked = await revokeSessions(deps, input.id);
    await recordAudit(deps, {
      action: "session_revoke",
      outcome: "success",
      actorId: principal.userId,
      subjectId: input.id,
      request,
      details: { sessionIds: revoked },
    });
    return { revokedSessions: revoked.length };
  }),

  /** Deletes a user and their sessions (the audit trail keeps their events). */
  delete: adminProcedure.input(userIdInput).mutation(async ({ ctx: { deps, principal, request }, input }) => {
    await withAdminGuard(deps, input.id, false, async (tx) => {
      // lock the user first: a racing sign-in either committed its session before (and it is in
      // the list below) or finds the user gone (its check runs under the same row lock)
      await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${input.id} FOR UPDATE`;
      const live = await tx.session.findMany({
        where: { userId: input.id, expiresAt: { gt: deps.now() } },
        select: { id: true, expiresAt: true },
      });
      await tx.user.delete({ where: { id: input.id } });
      // inside the transaction: if the registry cannot be written, nothing is deleted and a retry
      // can do it all; once the user is gone, no retry could find their sessions again
      await deps.registry.revoke(
        input.id,
        live.map(({ id, expiresAt }) => ({ sessionId: id, expiresAt })),
      );
    });
    await recordAudit(deps, {
      action: "user_delete",
      outcome: "success",
      actorId: principal.userId,
      subjectId: input.id,
      request,
    });
    return { success: true as const };
  }),
});
