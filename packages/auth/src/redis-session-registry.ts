// Session registry in Redis, shared by every API instance and every app of the platform.
// Keys (one user's keys share a hash tag, so lookups are single-slot on Redis Cluster):
//   <prefix>{<userId>}:session:<sessionId>  -> "live" | "revoked", expiring with the session
//   <prefix>{<userId>}:roles                -> "<version>:<JSON array of roles>"
//   <prefix>changes                         pub/sub channel: the id of every user whose entries
//                                           a revoke or setRoles changed (redis-change-feed.ts)
// A lookup is one MGET round trip; a role write is one script that keeps the newer version. Each
// write and its announcement are one MULTI: on a Redis Cluster it runs on the user's slot (the
// PUBLISH in it has no key, and reaches every node).

import { createRedisChangeFeed } from "./redis-change-feed.js";
import type { RedisConnection } from "./redis-connection.js";
import { changeChannel, defaultRedisKeyPrefix } from "./redis-keys.js";
import {
  defaultRolesTtlSeconds,
  type RegisteredSession,
  type SessionLookup,
  type SessionRegistry,
  type UserRoles,
} from "./session-registry.js";

export interface RedisSessionRegistryOptions {
  /** One server or a Cluster (connected: the change feed picks a node of it). Closed by close(). */
  redis: RedisConnection;
  keyPrefix?: string;
  rolesTtlSeconds?: number;
  now?: () => Date;
}

const LIVE = "live";
const REVOKED = "revoked";

// KEYS[1] roles key; ARGV: version, roles JSON, ttl seconds. Writes unless a same-or-newer version is there.
const setRolesIfNewer = `
local current = redis.call("GET", KEYS[1])
if current then
  local version = tonumber(string.match(current, "^(%d+):"))
  if version and version >= tonumber(ARGV[1]) then return 0 end
end
redis.call("SET", KEYS[1], ARGV[1] .. ":" .. ARGV[2], "EX", ARGV[3])
return 1`;

const encodeRoles = ({ version, roles }: UserRoles) => [String(version), JSON.stringify(roles)] as const;
function decodeRoles(value: string): readonly string[] {
  return JSON.parse(value.slice(value.indexOf(":") + 1)) as string[];
}

export function createRedisSessionRegistry(options: RedisSessionRegistryOptions): SessionRegistry {
  const { redis } = options;
  const prefix = options.keyPrefix ?? defaultRedisKeyPrefix;
  const rolesTtlSeconds = options.rolesTtlSeconds ?? defaultRolesTtlSeconds;
  const now = options.now ?? (() => new Date());
  const sessionKey = (userId: string, sessionId: string) => `${prefix}{${userId}}:session:${sessionId}`;
  const rolesKey = (userId: string) => `${prefix}{${userId}}:roles`;
  const millisUntil = (date: Date) => date.getTime() - now().getTime();
  const channel = changeChannel(prefix);
  const changes = createRedisChangeFeed({ redis, channel });

  /** Runs a user's write with its announcement; this instance hears of it whether or not it landed. */
  async function announced(userId: string, write: ReturnType<RedisConnection["multi"]>): Promise<void> {
    try {
      await write.publish(channel, userId).exec();
    } finally {
      changes.notify(userId);
    }
  }

  async function register(session: RegisteredSession, roles: UserRoles) {
    const ttl = millisUntil(session.expiresAt);
    if (ttl <= 0) return;
    await redis
      .multi()
      .set(sessionKey(session.userId, session.sessionId), LIVE, "PX", ttl, "NX")
      .eval(setRolesIfNewer, 1, rolesKey(session.userId), ...encodeRoles(roles), rolesTtlSeconds)
      .exec();
  }

  return {
    async lookup(sessionId, userId): Promise<SessionLookup> {
      const [state, roles] = await redis.mget(sessionKey(userId, sessionId), rolesKey(userId));
      if (state === REVOKED) return { status: "revoked" };
      if (state !== LIVE || roles == null) return { status: "unknown" };
      return { status: "live", roles: decodeRoles(roles) };
    },

    register,

    async revoke(userId, sessions) {
      const multi = redis.multi();
      for (const { sessionId, expiresAt } of sessions) {
        const ttl = millisUntil(expiresAt);
        if (ttl > 0) multi.set(sessionKey(userId, sessionId), REVOKED, "PX", ttl);
        else multi.del(sessionKey(userId, sessionId));
      }
      await announced(userId, multi);
    },

    async setRoles(userId, roles) {
      await announced(
        userId,
        redis.multi().eval(setRolesIfNewer, 1, rolesKey(userId), ...encodeRoles(roles), rolesTtlSeconds),
      );
    },

    changes,

    async ping() {
      await redis.ping();
    },

    async close() {
      await changes.close();
      await redis.quit().catch(() => {
        redis.disconnect();
      });
    },
  };
}
