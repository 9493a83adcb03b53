// Session registry in Redis, shared by every API instance and every app of the platform.
// Keys (one user's keys share a hash tag, so lookups are single-slot on Redis Cluster):
//   <prefix>{<userId>}:session:<sessionId>  -> "live" | "revoked", expiring with the session
//   <prefix>{<userId>}:roles                -> JSON array of the user's current roles
// A lookup is one MGET round trip.
import type { Redis } from "ioredis";
import { defaultRolesTtlSeconds, type RegisteredSession, type SessionLookup, type SessionRegistry } from "./session-registry.js";

export interface RedisSessionRegistryOptions {
  redis: Redis;
  keyPrefix?: string;
  rolesTtlSeconds?: number;
  now?: () => Date;
}

const LIVE = "live";
const REVOKED = "revoked";

export function createRedisSessionRegistry(options: RedisSessionRegistryOptions): SessionRegistry {
  const { redis } = options;
  const prefix = options.keyPrefix ?? "auth:";
  const rolesTtlSeconds = options.rolesTtlSeconds ?? defaultRolesTtlSeconds;
  const now = options.now ?? (() => new Date());
  const sessionKey = (userId: string, sessionId: string) => `${prefix}{${userId}}:session:${sessionId}`;
  const rolesKey = (userId: string) => `${prefix}{${userId}}:roles`;
  const millisUntil = (date: Date) => date.getTime() - now().getTime();

  async function write(session: RegisteredSession, roles: readonly string[], mode: "overwrite" | "fill") {
    const ttl = millisUntil(session.expiresAt);
    if (ttl <= 0) return;
    const multi = redis.multi();
    if (mode === "overwrite") {
      multi.set(sessionKey(session.userId, session.sessionId), LIVE, "PX", ttl);
      multi.set(rolesKey(session.userId), JSON.stringify(roles), "EX", rolesTtlSeconds);
    } else {
      multi.set(sessionKey(session.userId, session.sessionId), LIVE, "PX", ttl, "NX");
      multi.set(rolesKey(session.userId), JSON.stringify(roles), "EX", rolesTtlSeconds, "NX");
    }
    await multi.exec();
  }

  return {
    async lookup(sessionId, userId): Promise<SessionLookup> {
      const [state, roles] = await redis.mget(sessionKey(userId, sessionId), rolesKey(userId));
      if (state === REVOKED) return { status: "revoked" };
      if (state !== LIVE || roles == null) return { status: "unknown" };
      return { status: "live", roles: JSON.parse(roles) as string[] };
    },

    register: (session, roles) => write(session, roles, "overwrite"),
    restore: (session, roles) => write(session, roles, "fill"),

    async revoke(userId, sessions) {
      const multi = redis.multi();
      for (const { sessionId, expiresAt } of sessions) {
        const ttl = millisUntil(expiresAt);
        if (ttl > 0) multi.set(sessionKey(userId, sessionId), REVOKED, "PX", ttl);
        else multi.del(sessionKey(userId, sessionId));
      }
      await multi.exec();
    },

    async setRoles(userId, roles) {
      await redis.set(rolesKey(userId), JSON.stringify(roles), "EX", rolesTtlSeconds);
    },

    async ping() {
      await redis.ping();
    },

    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
