// Session registry in this process's memory: the zero-setup default when REDIS_URL is not set.
// Same interface and behaviour as the Redis registry (the shared contract tests prove it), but
// nothing is shared: it is correct for ONE API instance only. With several instances, a sign-out
// on one would not be seen by the others; use Redis for that.
import { createLocalChangeFeed, type LocalChangeFeed } from "./change-feed.js";
import {
  defaultRolesTtlSeconds,
  type RegisteredSession,
  type SessionLookup,
  type SessionRegistry,
  type UserRoles,
} from "./session-registry.js";

export interface MemorySessionRegistryOptions {
  rolesTtlSeconds?: number;
  /** Where writes are announced (this process only); a new feed by default. */
  changes?: LocalChangeFeed;
  now?: () => Date;
}

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

export function createMemorySessionRegistry(options: MemorySessionRegistryOptions = {}): SessionRegistry {
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const rolesTtlMs = (options.rolesTtlSeconds ?? defaultRolesTtlSeconds) * 1000;
  const sessions = new Map<string, Expiring<"live" | "revoked">>();
  const roles = new Map<string, Expiring<UserRoles>>();
  const sessionKey = (userId: string, sessionId: string) => `${userId}\u0000${sessionId}`;
  const changes = options.changes ?? createLocalChangeFeed();

  function read<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry?.value;
  }

  function write<T>(map: Map<string, Expiring<T>>, key: string, value: T, expiresAt: number, onlyIfAbsent = false) {
    if (expiresAt <= now()) return;
    if (onlyIfAbsent && read(map, key) !== undefined) return;
    map.set(key, { value, expiresAt });
  }

  // expired entries are dropped when read, and swept now and then so memory stays bounded
  const sweep = setInterval(() => {
    const time = now();
    for (const map of [sessions, roles] as Map<string, Expiring<unknown>>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= time) map.delete(key);
    }
  }, 60_000);
  sweep.unref();

  /** Keeps the newer version of a user's roles. */
  function storeRoles(userId: string, userRoles: UserRoles) {
    const current = read(roles, userId);
    if (current && current.version >= userRoles.version) return;
    write(roles, userId, { version: userRoles.version, roles: [...userRoles.roles] }, now() + rolesTtlMs);
  }

  function register(session: RegisteredSession, userRoles: UserRoles) {
    write(sessions, sessionKey(session.userId, session.sessionId), "live", session.expiresAt.getTime(), true);
    storeRoles(session.userId, userRoles);
  }

  return {
    async lookup(sessionId, userId): Promise<SessionLookup> {
      const state = read(sessions, sessionKey(userId, sessionId));
      if (state === "revoked") return { status: "revoked" };
      const userRoles = read(roles, userId);
      if (state !== "live" || !userRoles) return { status: "unknown" };
      return { status: "live", roles: userRoles.roles };
    },
    register: async (...args) => {
      register(...args);
    },
    async revoke(userId, revoked) {
      for (const { sessionId, expiresAt } of revoked) {
        const key = sessionKey(userId, sessionId);
        if (expiresAt.getTime() > now()) write(sessions, key, "revoked", expiresAt.getTime());
        else sessions.delete(key);
      }
      changes.notify(userId);
    },
    async setRoles(userId, userRoles) {
      storeRoles(userId, userRoles);
      changes.notify(userId);
    },
    changes,
    async ping() {},
    async close() {
      clearInterval(sweep);
      sessions.clear();
      roles.clear();
    },
  };
}
