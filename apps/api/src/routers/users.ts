import { z } from "zod";

import { type AdminGuarded, withAdminGuard } from "../admin-guard.js";
import { auditInTransaction, recordAudit } from "../audit-log.js";
import { errors } from "../errors.js";
import { rolesSchema, userIdSchema } from "../input-schemas.js";
import { listUsers } from "../list-users.js";
import { pageFields, toPage } from "../pagination.js";
import { changeWithRegistry } from "../registry-outbox.js";
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
    return toPage(await listUsers(deps.prisma, input), input.limit);
  }),

  /** Replaces a user's roles; applies on that user's next call, whatever tokens they hold. */
  setRoles: adminProcedure
    .input(z.strictObject({ id: userIdSchema, roles: rolesSchema }))
    .mutation(async ({ ctx: { deps, principal, request }, input }) => {
      const outcome = await changeWithRegistry(deps, (tx, outbox) =>
        withAdminGuard(tx, input.id, input.roles.includes("admin"), async (target) => {
          const { rolesVersion, ...user } = await tx.user.update({
            where: { id: input.id },
            data: { roles: input.roles, rolesVersion: { increment: 1 } },
            select: { ...publicUserSelect, rolesVersion: true },
          });
          // versioned: a stale write (a sign-in that read the old roles) can never undo this one
          await outbox.setRoles(user.id, { roles: user.roles, version: rolesVersion });
          await auditInTransaction(tx, {
            action: "role_change",
            outcome: "success",
            actorId: principal.userId,
            subjectId: user.id,
            request,
            details: { before: target.roles, after: user.roles },
          });
          return user;
        }),
      );
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
      return guardedOrThrow(outcome, input.id);
    }),

  /** Ends every session of a user (e.g. a lost laptop); the caller's own too when it is theirs. */
  revokeSessions: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const { deps, principal, request } = ctx;
    const revoked = await changeWithRegistry(deps, async (tx, outbox) => {
      const exists = await tx.user.count({ where: { id: input.id } });
      if (!exists) throw errors.userNotFound(input.id);
      const sessions = await revokeSessions(tx, outbox, { userId: input.id, now: deps.now() });
      await auditInTransaction(tx, {
        action: "session_revoke",
        outcome: "success",
        actorId: principal.userId,
        subjectId: input.id,
        request,
        details: { sessionIds: sessions.revoked },
      });
      return sessions.revoked;
    });
    if (input.id === principal.userId) ctx.refreshCookie.clear();
    return { revokedSessions: revoked.length };
  }),

  /** Deletes a user and their sessions (the audit trail keeps their events). */
  delete: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const { deps, principal, request } = ctx;
    const outcome = await changeWithRegistry(deps, (tx, outbox) =>
      withAdminGuard(tx, input.id, false, async () => {
        // lock the user first: a racing sign-in either committed its session before (and it is in
        // the list below) or finds the user gone (its check runs under the same row lock)
        await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${input.id} FOR UPDATE`;
        const live = await tx.session.findMany({
          where: { userId: input.id, isRevoked: false, expiresAt: { gt: deps.now() } },
          select: { id: true, expiresAt: true },
        });
        await tx.user.delete({ where: { id: input.id } });
        // the outbox keeps the list: once the user is gone, nothing else could find their sessions
        await outbox.revoke(input.id, live);
        await auditInTransaction(tx, {
          action: "user_delete",
          outcome: "success",
          actorId: principal.userId,
          subjectId: input.id,
          request,
        });
      }),
    );
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
    if (input.id === principal.userId) ctx.refreshCookie.clear();
    return { success: true as const };
  }),
});
