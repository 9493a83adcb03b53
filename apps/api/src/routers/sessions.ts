// The caller's own sessions (auth.sessions.*). Another user's session id is NOT_FOUND, exactly like
// an id that does not exist, so ids cannot be probed.
import { TRPCError } from "@trpc/server";
import { z } from "zod";

import { recordAudit } from "../audit.js";
import { sessionIdSchema } from "../input-schemas.js";
import { revokeSessions } from "../sessions.js";
import { authedProcedure, router } from "../trpc.js";

export const sessionsRouter = router({
  /** Live sessions, newest first. `lastUsedAt` is the last sign-in or token refresh. */
  list: authedProcedure.query(async ({ ctx: { deps, caller } }) => {
    const sessions = await deps.prisma.session.findMany({
      where: { userId: caller.userId, isRevoked: false, expiresAt: { gt: deps.now() } },
      select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, userAgent: true, ip: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return sessions.map((session) => ({ ...session, isCurrent: session.id === caller.sessionId }));
  }),

  revoke: authedProcedure
    .input(z.strictObject({ id: sessionIdSchema }))
    .mutation(async ({ ctx: { deps, caller, request }, input }) => {
      const revoked = await revokeSessions(deps, caller.userId, { only: input.id });
      if (revoked.length === 0) throw new TRPCError({ code: "NOT_FOUND", message: `No session with id '${input.id}'` });
      await recordAudit(deps, {
        action: "session_revoke",
        outcome: "success",
        actorId: caller.userId,
        request,
        details: { sessionIds: revoked },
      });
      return { success: true as const };
    }),

  revokeOthers: authedProcedure.mutation(async ({ ctx: { deps, caller, request } }) => {
    const revoked = await revokeSessions(deps, caller.userId, { except: caller.sessionId });
    await recordAudit(deps, {
      action: "session_revoke",
      outcome: "success",
      actorId: caller.userId,
      request,
      details: { sessionIds: revoked },
    });
    return { revokedSessions: revoked.length };
  }),
});
