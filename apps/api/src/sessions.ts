// Starting and ending sessions: the row in Postgres is written first (the source of truth), then
// the registry, so no instance can see a session that Postgres does not have.
import type { ApiDeps } from "./deps.js";

export async function startSession(deps: ApiDeps, user: { id: string; roles: readonly string[] }) {
  const expiresAt = new Date(deps.now().getTime() + deps.config.sessionTtlSeconds * 1000);
  const session = await deps.prisma.session.create({
    data: { userId: user.id, expiresAt },
    select: { id: true, expiresAt: true },
  });
  await deps.registry.register({ sessionId: session.id, userId: user.id, expiresAt }, user.roles);
  const token = await deps.tokens.sign({ userId: user.id, sessionId: session.id, roles: user.roles });
  return { token, session };
}

/**
 * Revokes one session of a user, in Postgres and then in the registry. Idempotent: the registry is
 * written even when Postgres already had it revoked, so a crash between the two writes heals on
 * retry. False when the user has no such session.
 */
export async function revokeSession(deps: ApiDeps, userId: string, sessionId: string): Promise<boolean> {
  const sessions = await deps.prisma.session.updateManyAndReturn({
    where: { id: sessionId, userId },
    data: { isRevoked: true },
    select: { id: true, expiresAt: true },
  });
  await deps.registry.revoke(userId, sessions.map(({ id, expiresAt }) => ({ sessionId: id, expiresAt })));
  return sessions.length > 0;
}
