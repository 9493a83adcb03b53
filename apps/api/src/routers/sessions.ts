// The caller's own sessions (auth.sessions.*). Another user's session id is NOT_FOUND, exactly like
// an id that does not exist, so ids cannot be probed.
import { z } from "zod";

import { auditInTransaction } from "../audit-log.js";
import { errors } from "../errors.js";
import { sessionIdSchema } from "../input-schemas.js";
import { changeWithRegistry } from "../registry-outbox.js";
import { revokeSessions } from "../session-lifecycle.js";
import { authedProcedure, router } from "../trpc.js";

export const sessionsRouter = router({
  /** Live sessions, newest first. `lastUsedAt` is the last sign-in or token refresh. */
  list: authedProcedure.query(async ({ ctx: { deps, principal } }) => {
    const sessions = await deps.prisma.session.findMany({
      where: { userId: principal.userId, isRevoked: false, expiresAt: { gt: deps.now() } },
      select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, userAgent: true, ip: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return sessions.map((session) => ({ ...session, isCurrent: session.id === principal.sessionId }));
  }),

  /** Revoking the caller's own session signs it out (and clears its refresh cookie). */
  revoke: authedProcedure
    .input(z.strictObject({ id: sessionIdSchema }))
    .mutation(async ({ ctx: { deps, principal, request, refreshCookie }, input }) => {
      await changeWithRegistry(deps, async (tx, outbox) => {
        const { revoked, alreadyRevoked } = await revokeSessions(tx, outbox, {
          userId: principal.userId,
          only: input.id,
          now: deps.now(),
        });
        // one that has ended already is no error: a retry of a revocation that went through succeeds
        if (revoked.length === 0 && alreadyRevoked.length === 0) throw errors.sessionNotFound(input.id);
        await auditInTransaction(tx, {
          action: "session_revoke",
          outcome: "success",
          actorId: principal.userId,
          request,
          details: { sessionIds: revoked },
        });
      });
      if (input.id === principal.sessionId) refreshCookie.clear();
      return { success: true as const };
    }),

  revokeOthers: authedProcedure.mutation(async ({ ctx: { deps, principal, request } }) => {
    const revoked = await changeWithRegistry(deps, async (tx, outbox) => {
      const sessions = await revokeSessions(tx, outbox, {
        userId: principal.userId,
        except: principal.sessionId,
        now: deps.now(),
      });
      await auditInTransaction(tx, {
        action: "session_revoke",
        outcome: "success",
        actorId: principal.userId,
        request,
        details: { sessionIds: sessions.revoked },
      });
      return sessions.revoked;
    });
    return { revokedSessions: revoked.length };
  }),
});
