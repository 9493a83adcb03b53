// The session registry answers, on every authenticated call, "is session `sid` of user `sub`
// live, and what are that user's roles now?". Postgres is the source of truth; the registry is a
// shared, expiring copy of it (Redis across instances, or in-process for a single instance), so
// that a sign-out, a revocation or a role change is seen by every instance on the next call.
//
// Consistency model: writes that come from a change (register, revoke, setRoles) overwrite; fills
// after a miss (restore) only add what is absent, so a fill that read Postgres just before a
// revocation can never bring the revoked session back.

export interface RegisteredSession {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

export type SessionLookup =
  | { status: "live"; roles: readonly string[] }
  | { status: "revoked" }
  /** The registry holds nothing for this session or user (evicted, flushed, never seen). */
  | { status: "unknown" };

export interface SessionRegistry {
  /** One round trip: the session's state and its user's current roles. */
  lookup(sessionId: string, userId: string): Promise<SessionLookup>;
  /** A session that has just started, and its user's roles. Overwrites. */
  register(session: RegisteredSession, roles: readonly string[]): Promise<void>;
  /** Fills a miss from the source of truth. Never overwrites a revocation or a newer role set. */
  restore(session: RegisteredSession, roles: readonly string[]): Promise<void>;
  /** Marks sessions of one user revoked until they would have expired. */
  revoke(userId: string, sessions: ReadonlyArray<{ sessionId: string; expiresAt: Date }>): Promise<void>;
  /** The user's roles as of now, for every live session of theirs. */
  setRoles(userId: string, roles: readonly string[]): Promise<void>;
  /** Throws when the registry cannot be reached (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How long a user's cached roles live without a session being registered (the longest session life). */
export const defaultRolesTtlSeconds = 30 * 24 * 60 * 60;
