import { hashPassword, needsRehash, storedHashProblem, verifyAgainstDummyHash, verifyPassword } from "@platform/auth";
import { Prisma } from "@platform/db";
import { z } from "zod";

import { auditInTransaction, recordAudit } from "../audit-log.js";
import { errors } from "../errors.js";
import {
  deviceTokenSchema,
  emailSchema,
  nameSchema,
  newPasswordSchema,
  passwordSchema,
  textInput,
} from "../input-schemas.js";
import { changeWithRegistry } from "../registry-outbox.js";
import { revokeSessions, rotateRefreshToken, startSession } from "../session-lifecycle.js";
import {
  auditRefusal,
  clearSessionPasswordAttempts,
  clearSignInAttempts,
  issueDeviceToken,
  takeIpAttempt,
  takeSessionPasswordAttempt,
  takeSignInAttempt,
} from "../sign-in-limits.js";
import { authedProcedure, publicProcedure, router } from "../trpc.js";
import { publicUserSelect } from "../user-select.js";
import { sessionsRouter } from "./sessions.js";

export const authRouter = router({
  /** Creates an account with the role `user` only, and signs it in. */
  signUp: publicProcedure
    .input(z.strictObject({ email: emailSchema, name: nameSchema, password: newPasswordSchema }))
    .mutation(async ({ ctx: { deps, request, refreshCookie }, input }) => {
      const attempt = await takeIpAttempt(deps, request);
      if (!attempt.allowed) {
        await auditRefusal(deps, attempt, { procedure: "auth.signUp", email: input.email, request });
        throw errors.tooManyAttempts(attempt.retryAfterSeconds);
      }
      const passwordHash = await hashPassword(input.password);
      const user = await deps.prisma.user
        .create({
          data: { email: input.email, name: input.name, passwordHash, roles: ["user"] },
          select: publicUserSelect,
        })
        .catch((error: unknown) => {
          if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return null;
          throw error;
        });
      if (!user) {
        await recordAudit(deps, {
          action: "sign_up",
          outcome: "failure",
          request,
          details: { email: input.email, reason: "email_taken" },
        });
        throw errors.emailTaken();
      }
      const tokens = await startSession(deps, { ...user, rolesVersion: 0 }, request).catch(async (error: unknown) => {
        // a sign-up that answers 503 leaves no account behind: its retry must not find the email taken
        await deps.prisma.user.delete({ where: { id: user.id } }).catch(() => {});
        throw error;
      });
      await recordAudit(deps, { action: "sign_up", outcome: "success", actorId: user.id, request });
      return {
        ...refreshCookie.deliver(tokens, deps.config.sessionTtlSeconds),
        user,
        deviceToken: issueDeviceToken(deps, input.email),
      };
    }),

  /** `deviceToken`: the one a sign-in on this device returned (see sign-in-limits.ts). */
  signIn: publicProcedure
    .input(z.strictObject({ email: emailSchema, password: passwordSchema, deviceToken: deviceTokenSchema.optional() }))
    .mutation(async ({ ctx: { deps, request, refreshCookie }, input }) => {
      const attempt = await takeSignInAttempt(deps, input.email, request, input.deviceToken);
      if (!attempt.allowed) {
        await auditRefusal(deps, attempt, { procedure: "auth.signIn", email: input.email, request });
        throw errors.tooManyAttempts(attempt.retryAfterSeconds);
      }
      const account = await deps.prisma.user.findUnique({
        where: { email: input.email },
        select: { ...publicUserSelect, passwordHash: true, rolesVersion: true },
      });
      // an unknown email costs the same argon2 verification as a wrong password
      const isValid = account
        ? await verifyPassword(account.passwordHash, input.password)
        : await verifyAgainstDummyHash(input.password);
      if (!account || !isValid) {
        const problem = account ? storedHashProblem(account.passwordHash) : null;
        // not run (see verifyPassword): the owner cannot sign in until an operator resets it
        if (problem) deps.logger.warn({ userId: account?.id, problem }, "stored password hash refused");
        await recordAudit(deps, {
          action: "sign_in",
          outcome: "failure",
          subjectId: account?.id ?? null,
          request,
          details: { email: input.email },
        });
        throw errors.invalidCredentials();
      }

      const { passwordHash, rolesVersion, ...user } = account;
      await clearSignInAttempts(deps, attempt);
      let currentHash = passwordHash;
      if (needsRehash(passwordHash)) {
        // hashed with weaker parameters than today's: upgrade while we hold the password, unless
        // a password change got there first
        const upgraded = await hashPassword(input.password);
        const { count } = await deps.prisma.user.updateMany({
          where: { id: user.id, passwordHash },
          data: { passwordHash: upgraded },
        });
        if (count === 1) currentHash = upgraded;
        else {
          // someone changed the hash meanwhile: a concurrent sign-in's upgrade (same password), or
          // a password change (another one). Whichever it is, the stored hash decides.
          const stored = await deps.prisma.user.findUnique({ where: { id: user.id }, select: { passwordHash: true } });
          if (stored && (await verifyPassword(stored.passwordHash, input.password))) currentHash = stored.passwordHash;
        }
      }
      const session = await startSession(deps, { ...user, rolesVersion }, request, {
        whilePasswordHashIs: currentHash,
      });
      if (!session) throw errors.invalidCredentials(); // the password changed while we were verifying it
      await recordAudit(deps, { action: "sign_in", outcome: "success", actorId: user.id, request });
      return {
        ...refreshCookie.deliver(session, deps.config.sessionTtlSeconds),
        user,
        deviceToken: issueDeviceToken(deps, input.email, attempt.knownDevice),
      };
    }),

  /**
   * Rotates the refresh token: a new access token and a new refresh token; the old one is spent.
   * Without `refreshToken`, the one in the refresh cookie (REFRESH_COOKIE=on; refresh-cookie.ts).
   */
  refresh: publicProcedure
    .input(z.strictObject({ refreshToken: textInput("Refresh token").min(1).max(256).optional() }))
    .mutation(async ({ ctx: { deps, request, refreshCookie }, input }) => {
      const cookie = input.refreshToken === undefined ? refreshCookie.read() : undefined;
      if (cookie?.status === "cross-site") throw errors.refreshCookieCrossSite();
      // refused without clearing ours: clearing would leave the planted one to be used next
      if (cookie?.status === "duplicated") throw errors.refreshCookieDuplicated();
      const refreshToken = input.refreshToken ?? (cookie?.status === "present" ? cookie.token : undefined);
      if (refreshToken === undefined) throw errors.refreshTokenRejected();
      const outcome = await rotateRefreshToken(deps, refreshToken, request);
      if (outcome.status === "rotated") {
        const secondsLeft = Math.floor((outcome.expiresAt.getTime() - deps.now().getTime()) / 1000);
        return refreshCookie.deliver(outcome.tokens, secondsLeft);
      }
      if (outcome.status === "reused") {
        // a spent token came back: it was stolen, or its thief used the new one first. End the session.
        const { userId, sessionId } = outcome;
        await changeWithRegistry(deps, async (tx, outbox) => {
          await revokeSessions(tx, outbox, { userId, only: sessionId, now: deps.now() });
          await auditInTransaction(tx, {
            action: "refresh_reuse_detected",
            outcome: "failure",
            subjectId: userId,
            request,
            details: { sessionId },
          });
        });
      }
      refreshCookie.clear(); // a cookie that holds a refused token is of no more use
      throw errors.refreshTokenRejected();
    }),

  signOut: authedProcedure.mutation(async ({ ctx: { deps, principal, request, refreshCookie } }) => {
    await changeWithRegistry(deps, async (tx, outbox) => {
      await revokeSessions(tx, outbox, { userId: principal.userId, only: principal.sessionId, now: deps.now() });
      await auditInTransaction(tx, { action: "sign_out", outcome: "success", actorId: principal.userId, request });
    });
    refreshCookie.clear();
    return { success: true as const };
  }),

  /** The caller, with the roles their calls are authorized with now. */
  me: authedProcedure.query(async ({ ctx: { deps, principal } }) => {
    const user = await deps.profileCache.get(principal.userId, "public", () =>
      deps.prisma.user.findUnique({ where: { id: principal.userId }, select: publicUserSelect }),
    );
    // the session outlived its user (deleted in between): treat as signed out
    if (!user) throw errors.sessionRequired();
    return { ...user, roles: [...principal.roles] };
  }),

  /**
   * The caller's session as the source of truth has it: live, whose, until when, with which roles
   * now. The platform's token introspection: a specialist app asks it, with the caller's token,
   * when the shared registry does not know a session (and the check this call passes writes the
   * session back to the registry). UNAUTHORIZED when the session is not live.
   */
  session: authedProcedure.query(async ({ ctx: { deps, principal } }) => {
    const session = await deps.loadSession(principal.sessionId);
    if (session?.userId !== principal.userId) throw errors.sessionRequired();
    return {
      userId: session.userId,
      sessionId: principal.sessionId,
      expiresAt: session.expiresAt,
      roles: [...session.roles.roles],
      rolesVersion: session.roles.version,
    };
  }),

  /** Verifies the current password, sets the new one and ends every other session of the user. */
  changePassword: authedProcedure
    .input(z.strictObject({ currentPassword: passwordSchema, newPassword: newPasswordSchema }))
    .mutation(async ({ ctx: { deps, principal, request }, input }) => {
      const account = await deps.prisma.user.findUnique({
        where: { id: principal.userId },
        select: { passwordHash: true },
      });
      if (!account) throw errors.sessionRequired();
      // the same back-off as sign-in, per session: a stolen access token must not become a
      // password oracle, and a stranger spending the account's budget must not block the owner
      const attempt = await takeSessionPasswordAttempt(deps, principal.sessionId, request);
      if (!attempt.allowed) {
        await auditRefusal(deps, attempt, { procedure: "auth.changePassword", actorId: principal.userId, request });
        throw errors.tooManyAttempts(attempt.retryAfterSeconds);
      }
      if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
        await recordAudit(deps, { action: "password_change", outcome: "failure", actorId: principal.userId, request });
        throw errors.invalidCredentials();
      }
      await clearSessionPasswordAttempts(deps, principal.sessionId);
      const passwordHash = await hashPassword(input.newPassword);
      // the new password and the end of the other sessions commit together, or neither does
      const revoked = await changeWithRegistry(deps, async (tx, outbox) => {
        // only over the hash just verified: of two concurrent changes, the second finds it replaced
        const { count } = await tx.user.updateMany({
          where: { id: principal.userId, passwordHash: account.passwordHash },
          data: { passwordHash },
        });
        if (count === 0) throw errors.invalidCredentials();
        const sessions = await revokeSessions(tx, outbox, {
          userId: principal.userId,
          except: principal.sessionId,
          now: deps.now(),
        });
        await auditInTransaction(tx, {
          action: "password_change",
          outcome: "success",
          actorId: principal.userId,
          request,
          details: { revokedSessions: sessions.revoked.length },
        });
        return sessions.revoked;
      });
      return { success: true as const, revokedSessions: revoked.length };
    }),

  sessions: sessionsRouter,
});
