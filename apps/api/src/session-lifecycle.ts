// Starting, rotating and ending sessions. Postgres is written first (the source of truth), then
// the registry, so no instance can see a session that Postgres does not have. Ending sessions
// reaches the registry through the outbox (registry-outbox.ts): a revocation that commits is
// honoured everywhere even if the registry write right after it fails.
import { randomBytes } from "node:crypto";

import type { RequestInfo, SessionSource } from "@platform/auth";
import type { Prisma, PrismaClient } from "@platform/db";

import { auditInTransaction } from "./audit-log.js";
import type { ApiDeps } from "./deps.js";
import { changeWithRegistry, type RegistryOutbox } from "./registry-outbox.js";
/** A session's new tokens, before the answer decides where the refresh token goes (refresh-cookie.ts). */
export interface SessionTokens {
  token: string;
  refreshToken: string;
}

async function issueTokens(
  deps: ApiDeps,
  session: { id: string; userId: string; generation: number },
  roles: readonly string[],
): Promise<SessionTokens> {
  return {
    token: await deps.tokens.sign({ userId: session.userId, sessionId: session.id, roles }),
    refreshToken: deps.refreshTokens.issue(session.id, session.generation),
  };
}

/** A session row is live until it is revoked or expires. */
export function isLive(session: { isRevoked: boolean; expiresAt: Date }, now: Date): boolean {
  return !session.isRevoked && session.expiresAt > now;
}

/**
 * The registry's source of truth (see SessionSource in @platform/auth): a live session and its
 * user's roles, by id, from Postgres (it needs no token).
 */
export type PostgresSessionSource = (sessionId: string) => ReturnType<SessionSource>;

export function createSessionSource(prisma: PrismaClient, now: () => Date): PostgresSessionSource {
  return async (sessionId) => {
    const session = await prisma.session.findUnique({
      where: { id: sessionId },
      select: {
        userId: true,
        expiresAt: true,
        isRevoked: true,
        user: { select: { roles: true, rolesVersion: true } },
      },
    });
    if (!session || !isLive(session, now())) return null;
    const { roles, rolesVersion: version } = session.user;
    return { userId: session.userId, expiresAt: session.expiresAt, roles: { roles, version } };
  };
}

/**
 * A new session's id: 128 random bits, 22 base64url characters (what refresh tokens carry). Not
 * Prisma's cuid, which is a timestamp and a counter with about 41 random bits. Ids grant nothing
 * alone, but nothing about one session should tell anything about another. Older cuid ids keep working.
 */
function createSessionId(): string {
  return randomBytes(16).toString("base64url");
}

type SessionUser = { id: string; roles: readonly string[]; rolesVersion: number };
type StartedSession = SessionTokens & { sessionId: string };

/**
 * Opens a session. With `whilePasswordHashIs`, only if the user's password hash is still that one,
 * checked under a row lock in the same transaction: a sign-in that verified the old password
 * cannot open a session after a password change has revoked the others (null then).
 *
 * A user has at most `maxSessionsPerUser` live sessions: opening one beyond that revokes the
 * oldest (audited as `session_revoke`, reason `session_limit`). The count is taken under the
 * user's row lock, so concurrent sign-ins of one user queue and each sees the sessions the others
 * committed: however many run at once, no more than the cap stay live.
 */
export async function startSession(deps: ApiDeps, user: SessionUser, request?: RequestInfo): Promise<StartedSession>;
export async function startSession(
  deps: ApiDeps,
  user: SessionUser,
  request: RequestInfo,
  options: { whilePasswordHashIs: string },
): Promise<StartedSession | null>;
export async function startSession(
  deps: ApiDeps,
  user: SessionUser,
  request: RequestInfo = {},
  options: { whilePasswordHashIs?: string } = {},
): Promise<StartedSession | null> {
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.sessionTtlSeconds * 1000);
  const session = await changeWithRegistry(deps, async (tx, outbox) => {
    if (options.whilePasswordHashIs !== undefined) {
      const unchanged = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM users WHERE id = ${user.id} AND password_hash = ${options.whilePasswordHashIs} FOR UPDATE`;
      if (unchanged.length === 0) return null;
    } else {
      await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${user.id} FOR UPDATE`;
    }
    // the newest `cap - 1` live sessions stay; the new one makes `cap`
    const evicted = await tx.session.findMany({
      where: { userId: user.id, isRevoked: false, expiresAt: { gt: now } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: deps.config.maxSessionsPerUser - 1,
      select: { id: true, expiresAt: true },
    });
    if (evicted.length > 0) {
      await tx.session.updateMany({ where: { id: { in: evicted.map(({ id }) => id) } }, data: { isRevoked: true } });
      await outbox.revoke(user.id, evicted);
      await auditInTransaction(tx, {
        action: "session_revoke",
        outcome: "success",
        actorId: user.id,
        subjectId: user.id,
        request,
        details: { sessionIds: evicted.map(({ id }) => id), reason: "session_limit" },
      });
    }
    return tx.session.create({
      data: {
        id: createSessionId(),
        userId: user.id,
        expiresAt,
        lastUsedAt: now,
        ip: request.ip ?? null,
        userAgent: request.userAgent ?? null,
      },
      select: { id: true },
    });
  });
  if (!session) return null;
  try {
    await deps.registry.register(
      { sessionId: session.id, userId: user.id, expiresAt },
      { roles: user.roles, version: user.rolesVersion },
    );
  } catch (error) {
    // no token leaves this call (it answers 503): end the session it opened rather than leave
    // one that nobody holds counting towards the cap and listed among the user's sessions
    await deps.prisma.session.update({ where: { id: session.id }, data: { isRevoked: true } }).catch(() => {});
    throw error;
  }
  return {
    sessionId: session.id,
    ...(await issueTokens(deps, { id: session.id, userId: user.id, generation: 0 }, user.roles)),
  };
}

export type RefreshOutcome =
  | { status: "rotated"; tokens: SessionTokens; userId: string; expiresAt: Date }
  | { status: "invalid" }
  | { status: "reused"; userId: string; sessionId: string };

/**
 * Rotates a refresh token. The generation moves forward with a compare-and-set in Postgres, so
 * of several concurrent refreshes of one token (on any number of instances) exactly one mints
 * the next generation; the others, inside the grace window, get that same token back. A token
 * older than that is a replay: the caller must revoke the session.
 */
export async function rotateRefreshToken(
  deps: ApiDeps,
  refreshToken: string,
  request: RequestInfo = {},
): Promise<RefreshOutcome> {
  const presented = deps.refreshTokens.read(refreshToken);
  if (!presented) return { status: "invalid" };
  const { sessionId, generation } = presented;

  const load = () =>
    deps.prisma.session.findUnique({
      where: { id: sessionId },
      select: {
        userId: true,
        expiresAt: true,
        isRevoked: true,
        refreshGeneration: true,
        rotatedAt: true,
        user: { select: { roles: true } },
      },
    });
  let session = await load();
  if (!session || !isLive(session, deps.now())) return { status: "invalid" };

  if (generation === session.refreshGeneration) {
    const { count } = await deps.prisma.session.updateMany({
      where: { id: sessionId, refreshGeneration: generation, isRevoked: false },
      data: {
        refreshGeneration: generation + 1,
        rotatedAt: deps.now(),
        lastUsedAt: deps.now(),
        ...(request.ip ? { ip: request.ip } : {}),
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
      },
    });
    if (count === 1) {
      const tokens = await issueTokens(
        deps,
        { id: sessionId, userId: session.userId, generation: generation + 1 },
        session.user.roles,
      );
      return { status: "rotated", tokens, userId: session.userId, expiresAt: session.expiresAt };
    }
    session = await load(); // another refresh won the race: judge this one as its duplicate
    if (!session || session.isRevoked) return { status: "invalid" };
  }

  const graceMs = deps.config.refreshReuseGraceSeconds * 1000;
  const isConcurrentDuplicate =
    generation === session.refreshGeneration - 1 &&
    session.rotatedAt !== null &&
    deps.now().getTime() - session.rotatedAt.getTime() <= graceMs;
  if (isConcurrentDuplicate) {
    const tokens = await issueTokens(
      deps,
      { id: sessionId, userId: session.userId, generation: session.refreshGeneration },
      session.user.roles,
    );
    return { status: "rotated", tokens, userId: session.userId, expiresAt: session.expiresAt };
  }
  if (generation < session.refreshGeneration) return { status: "reused", userId: session.userId, sessionId };
  return { status: "invalid" };
}

/**
 * Revokes sessions of a user in `tx`, with their registry writes recorded in its outbox: all of
 * them, one (`only`), or all but one (`except`). `revoked` are the sessions this call ended (what
 * callers count and audit); `alreadyRevoked` the unexpired ones that had ended before (a retry of
 * a revocation that went through finds its session there).
 */
export async function revokeSessions(
  tx: Prisma.TransactionClient,
  outbox: RegistryOutbox,
  { userId, now, only, except }: { userId: string; now: Date; only?: string; except?: string },
): Promise<{ revoked: string[]; alreadyRevoked: string[] }> {
  const where = {
    userId,
    expiresAt: { gt: now },
    ...(only ? { id: only } : {}),
    ...(except ? { NOT: { id: except } } : {}),
  };
  // `isRevoked: false` is re-checked under the row lock: of concurrent calls, one revokes each session
  const revoked = await tx.session.updateManyAndReturn({
    where: { ...where, isRevoked: false },
    data: { isRevoked: true },
    select: { id: true, expiresAt: true },
  });
  await outbox.revoke(userId, revoked);
  const revokedIds = revoked.map(({ id }) => id);
  const ended = await tx.session.findMany({ where: { ...where, isRevoked: true }, select: { id: true } });
  return {
    revoked: revokedIds,
    alreadyRevoked: ended.map(({ id }) => id).filter((id) => !revokedIds.includes(id)),
  };
}

/** Deletes sessions that expired more than a day ago (revoked or not). Returns how many. */
export async function sweepExpiredSessions(deps: ApiDeps): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - 24 * 60 * 60 * 1000);
  const { count } = await deps.prisma.session.deleteMany({ where: { expiresAt: { lt: cutoff } } });
  return count;
}
