// From an `Authorization: Bearer <jwt>` header to the caller: verify the token (algorithm, issuer,
// audience, expiry pinned), then ask the session registry whether the session is still live and
// what the user's roles are now. A registry miss is filled from the source of truth (Postgres),
// so a flushed or restarted Redis signs nobody out and resurrects nothing; so is a user for whom
// the registry is known to be behind (isRegistryBehind), without writing the registry.
// A live session's answer is remembered by this instance (sessionCache, see user-cache.ts), so a
// live, unchanged session costs no round trip; a revocation or role change by any instance drops it.
// Returns null for every invalid path; the procedure middleware chooses the error.
import type { RequestInfo } from "./init-auth.js";
import type { SessionRegistry, UserRoles } from "./session-registry.js";
import type { TokenVerifier } from "./token-verifier.js";
import { createUserCache, type UserCache } from "./user-cache.js";

export interface Principal {
  userId: string;
  sessionId: string;
  /** The user's roles now (from the registry), not the ones in the token. */
  roles: readonly string[];
}

/**
 * Reads a session and its user's roles from the source of truth; null unless the session is live.
 * The identity service reads Postgres (and ignores `token`); a specialist, which has no access to
 * the identity's tables, asks the identity service about the caller's token (specialist.ts).
 */
export type SessionSource = (
  sessionId: string,
  token: string,
) => Promise<{ userId: string; expiresAt: Date; roles: UserRoles } | null>;

/** A signed-in caller refused for want of a role (FORBIDDEN). */
export interface AccessDenial {
  principal: Principal;
  /** The procedure, e.g. "users.delete". */
  path: string;
  requiredRoles: readonly string[];
  request: RequestInfo;
}

export interface AuthDeps {
  /** Checks access tokens: the identity's token service, or another app's verifier (createJwksTokenVerifier). */
  tokens: TokenVerifier;
  registry: SessionRegistry;
  loadSession: SessionSource;
  /**
   * True while the registry may be behind the source of truth for this user (a write that did not
   * land yet, e.g. Redis refusing writes while it still serves reads): their sessions are then
   * checked against `loadSession` instead. Optional: without it the registry is trusted.
   */
  isRegistryBehind?: (userId: string) => boolean;
  /** What this instance remembers of live sessions (createSessionCache); without it every call asks the registry. */
  sessionCache?: SessionCache;
  /**
   * Told of every FORBIDDEN before it is thrown, e.g. to audit it (the auth package has no audit
   * log of its own). Must not throw: its error would replace the FORBIDDEN.
   */
  onAccessDenied?: (denial: AccessDenial) => Promise<void>;
}

/** A live session's current roles, or null: not live. */
export type SessionCache = UserCache<readonly string[] | null>;

/** Remembers live sessions until the registry's change feed says their user changed. */
export function createSessionCache(registry: SessionRegistry): SessionCache {
  return createUserCache({ changes: registry.changes, keep: (roles) => roles !== null });
}

const bearerPattern = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i;

export function readBearerToken(authorization: string | undefined): string | null {
  return authorization?.match(bearerPattern)?.[1] ?? null;
}

export async function authenticate(deps: AuthDeps, authorization: string | undefined): Promise<Principal | null> {
  const token = readBearerToken(authorization);
  if (!token) return null;
  const claims = await deps.tokens.verify(token);
  if (!claims) return null;

  const { sessionId, userId } = claims;
  if (deps.isRegistryBehind?.(userId)) {
    // never answered from memory or the registry while they may be behind for this user
    const session = await sourceOfTruth(deps, { sessionId, userId, token });
    return session && { userId, sessionId, roles: session.roles.roles };
  }
  const caller = { sessionId, userId, token };
  const roles = deps.sessionCache
    ? await deps.sessionCache.get(userId, sessionId, () => liveRoles(deps, caller))
    : await liveRoles(deps, caller);
  return roles && { userId, sessionId, roles };
}

/** Whose call it is: the verified token and its claims. */
interface Caller {
  sessionId: string;
  userId: string;
  token: string;
}

/** The registry's answer; on a miss, the source of truth's, written back to the registry. */
async function liveRoles(deps: AuthDeps, caller: Caller): Promise<readonly string[] | null> {
  const { sessionId, userId } = caller;
  const state = await deps.registry.lookup(sessionId, userId);
  if (state.status === "live") return state.roles;
  if (state.status === "revoked") return null;
  const session = await sourceOfTruth(deps, caller);
  if (!session) return null;
  await deps.registry.register({ sessionId, userId, expiresAt: session.expiresAt }, session.roles);
  return session.roles.roles;
}

async function sourceOfTruth(deps: AuthDeps, { sessionId, userId, token }: Caller) {
  const session = await deps.loadSession(sessionId, token);
  return session?.userId === userId ? session : null;
}
