// From an `Authorization: Bearer <jwt>` header to the caller: verify the token (algorithm, issuer,
// audience, expiry pinned), then ask the session registry whether the session is still live and
// what the user's roles are now. A registry miss is filled from the source of truth (Postgres),
// so a flushed or restarted Redis signs nobody out and resurrects nothing; so is a user for whom
// the registry is known to be behind (isRegistryBehind), without writing the registry.
// Returns null for every invalid path; the procedure middleware chooses the error.
import type { RequestInfo } from "./init-auth.js";
import type { SessionRegistry, UserRoles } from "./session-registry.js";
import type { TokenService } from "./tokens.js";

export interface Principal {
  userId: string;
  sessionId: string;
  /** The user's roles now (from the registry), not the ones in the token. */
  roles: readonly string[];
}

/** Reads a session and its user's roles from the source of truth; null unless the session is live. */
export type SessionSource = (
  sessionId: string,
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
  tokens: TokenService;
  registry: SessionRegistry;
  loadSession: SessionSource;
  /**
   * True while the registry may be behind the source of truth for this user (a write that did not
   * land yet, e.g. Redis refusing writes while it still serves reads): their sessions are then
   * checked against `loadSession` instead. Optional: without it the registry is trusted.
   */
  isRegistryBehind?: (userId: string) => boolean;
  /**
   * Told of every FORBIDDEN before it is thrown, e.g. to audit it (the auth package has no audit
   * log of its own). Must not throw: its error would replace the FORBIDDEN.
   */
  onAccessDenied?: (denial: AccessDenial) => Promise<void>;
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
    const session = await deps.loadSession(sessionId);
    if (!session || session.userId !== userId) return null;
    return { userId, sessionId, roles: session.roles.roles };
  }
  const state = await deps.registry.lookup(sessionId, userId);
  if (state.status === "live") return { userId, sessionId, roles: state.roles };
  if (state.status === "revoked") return null;

  const session = await deps.loadSession(sessionId);
  if (!session || session.userId !== userId) return null;
  await deps.registry.register({ sessionId, userId, expiresAt: session.expiresAt }, session.roles);
  return { userId, sessionId, roles: session.roles.roles };
}
