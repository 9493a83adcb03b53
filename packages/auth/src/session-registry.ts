// The session registry answers, on every authenticated call, "is session `sid` of user `sub`
// live, and what are that user's roles now?". Postgres is the source of truth; the registry is a
// shared, expiring copy of it (Redis across instances, or in-process for a single instance), so
// that a sign-out, a revocation or a role change is seen by every instance on the next call.
//
// Consistency model:
//  - session state: revoke overwrites; register only adds what is absent. Session ids are fresh, so
//    an existing entry can only be a revocation, which a late register (a sign-in whose session
//    was revoked by a password change before it got here) or a fill after a miss (which read
//    Postgres just before a revocation) must never undo.
//  - roles carry the user's `rolesVersion` (incremented in Postgres with every role change), and
//    every write keeps the newer version: a sign-in or a fill that read the roles just before a
//    demotion cannot put the old roles back, whatever order the writes arrive in.
//  - every revoke and setRoles is announced on the registry's change feed (change-feed.ts), to
//    every instance, so that what instances remember of the registry (user-cache.ts) is dropped.

import type { ChangeFeed } from "./change-feed.js";

export interface RegisteredSession {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

/** A user's roles as of one version of them (users.roles_version). */
export interface UserRoles {
  roles: readonly string[];
  version: number;
}

export type SessionLookup =
  | { status: "live"; roles: readonly string[] }
  | { status: "revoked" }
  /** The registry holds nothing for this session or user (evicted, flushed, never seen). */
  | { status: "unknown" };

export interface SessionRegistry {
  /** One round trip: the session's state and its user's current roles. */
  lookup(sessionId: string, userId: string): Promise<SessionLookup>;
  /**
   * A live session (just started, or read from the source of truth after a miss) and its user's
   * roles. Never overwrites a revocation or newer roles.
   */
  register(session: RegisteredSession, roles: UserRoles): Promise<void>;
  /** Marks sessions of one user revoked until they would have expired. */
  revoke(userId: string, sessions: ReadonlyArray<{ sessionId: string; expiresAt: Date }>): Promise<void>;
  /** The user's roles for every live session of theirs, unless the registry has a newer version. */
  setRoles(userId: string, roles: UserRoles): Promise<void>;
  /** Announces every revoke and setRoles, by any instance (this one's before the write resolves). */
  readonly changes: ChangeFeed;
  /** Throws when the registry cannot be reached (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How long a user's cached roles live without a session being registered (the longest session life). */
export const defaultRolesTtlSeconds = 30 * 24 * 60 * 60;
