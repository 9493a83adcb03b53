import { z } from "zod";

import { type AdminGuarded, withAdminGuard } from "../admin-guard.js";
import { recordAudit } from "../audit-log.js";
import { errors } from "../errors.js";
import { rolesSchema, userIdSchema } from "../input-schemas.js";
import { pageFields, pageQuery, toPage } from "../pagination.js";
import { revokeSessions } from "../session-lifecycle.js";
import { adminProcedure, authedProcedure, router } from "../trpc.js";
import { publicUserSelect } from "../user-select.js";

const userIdInput = z.strictObject({ id: userIdSchema });

/** The change's result, or the error for a user that does not exist or is the last admin. */
function guardedOrThrow<T>(outcome: AdminGuarded<T>, userId: string): T {
  if (outcome.status === "no_such_user") throw errors.userNotFound(userId);
  if (outcome.status === "last_admin") throw errors.lastAdmin();
  return outcome.value;
}

export const usersRouter = router({
  findById: authedProcedure.input(userIdSchema).query(async ({ ctx: { deps }, input: id }) => {
    const user = await deps.prisma.user.findUnique({ where: { id }, select: publicUserSelect });
    if (!user) throw errors.userNotFound(id);
    return user;
  }),

  /** Oldest first; pass `nextCursor` back as `cursor` for the next page. */
  list: adminProcedure.input(z.strictObject(pageFields(100)).prefault({})).query(async ({ ctx: { deps }, input }) => {
    const rows = await deps.prisma.user.findMany({
      select: publicUserSelect,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      ...pageQuery(input),
    });
    return toPage(rows, input.limit);
  }),

  /** Replaces a user's roles; applies on that user's next call, whatever tokens they hold. */
  setRoles: adminProcedure
    .input(z.strictObject({ id: userIdSchema, roles: rolesSchema }))
    .mutation(async ({ ctx: { deps, principal, request }, input }) => {
      const outcome = await withAdminGuard(deps, input.id, input.roles.includes("admin"), async (tx, target) => ({
        before: target.roles,
        updated: await tx.user.update({
          where: { id: input.id },
          data: { roles: input.roles, rolesVersion: { increment: 1 } },
          select: { ...publicUserSelect, rolesVersion: true },
        }),
      }));
      if (outcome.status === "last_admin") {
        await recordAudit(deps, {
          action: "role_change",
          outcome: "failure",
          actorId: principal.userId,
          subjectId: input.id,
          request,
          details: { reason: "last_admin", roles: input.roles },
        });
      }
      const { before, updated } = guardedOrThrow(outcome, input.id);
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
    if (!exists) throw errors.userNotFound(input.id);
    const { revoked } = await revokeSessions(deps, input.id);
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
    const outcome = await withAdminGuard(deps, input.id, false, async (tx) => {
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
    if (outcome.status === "last_admin") {
      await recordAudit(deps, {
        action: "user_delete",
        outcome: "failure",
        actorId: principal.userId,
        subjectId: input.id,
        request,
        details: { reason: "last_admin" },
      });
    }
    guardedOrThrow(outcome, input.id);
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
