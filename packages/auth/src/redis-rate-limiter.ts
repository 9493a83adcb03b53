// Sign-in rate limiter in Redis, shared by every API instance. Keys, for each caller key K:
//   <prefix>ratelimit:<name>:{K}:count  -> attempts counted, expiring windowMs after the block the last one earned
//   <prefix>ratelimit:<name>:{K}:block  -> present while K is blocked, expiring when the block ends
// Blocks are Redis TTLs, so the instances' clocks play no part. An attempt is one Lua script,
// which Redis runs atomically: no other client's command runs between its check and its count.
//
// Limits: on Redis Cluster, keys of one attempt must share a slot (the hash tag {K} keeps a key's
// count and block together, but an account and an IP land in different slots: use one attempt
// per key there, as the API does; an attempt on keys of several slots is refused by Redis with
// CROSSSLOT and counts nothing). If Redis cannot be reached, `attempt` rejects: it never allows
// by default. The connection is the caller's (usually the session registry's): close() leaves it open.

import {
  decision,
  distinctKeys,
  type RateLimiter,
  type RateLimitPolicy,
  resolveRateLimitPolicy,
} from "./rate-limiter.js";
import type { RedisConnection } from "./redis-connection.js";
import { defaultRedisKeyPrefix } from "./redis-keys.js";

export interface RedisRateLimiterOptions extends Partial<RateLimitPolicy> {
  redis: RedisConnection;
  /** What this limiter counts (e.g. "account", "ip"): limiters with different names never share a count. */
  name: string;
  /** Default "auth:"; keys are `<keyPrefix>ratelimit:<name>:{<key>}:count|block`. */
  keyPrefix?: string;
}

// KEYS: count and block key of each caller key, in pairs. ARGV: freeAttempts, windowMs,
// baseDelayMs, maxDelayMs. Returns the longest remaining block in ms, or 0 when the attempt was
// counted. The delay is delayMs() of rate-limiter.ts, in Lua.
const attemptScript = `
local wait = 0
for i = 2, #KEYS, 2 do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > wait then wait = ttl end
end
if wait > 0 then return wait end
local free, window, base, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, #KEYS, 2 do
  local excess = redis.call('INCR', KEYS[i]) - free
  local delay = 0
  if excess > 52 then delay = max elseif excess > 0 then delay = math.min(base * 2 ^ (excess - 1), max) end
  redis.call('PEXPIRE', KEYS[i], delay + window)
  if delay > 0 then redis.call('SET', KEYS[i + 1], '1', 'PX', delay) end
end
return 0
`;

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis } = options;
  const policy = resolveRateLimitPolicy(options);
  const prefix = `${options.keyPrefix ?? defaultRedisKeyPrefix}ratelimit:${options.name}:`;
  const countKey = (key: string) => `${prefix}{${key}}:count`;
  const blockKey = (key: string) => `${prefix}{${key}}:block`;
  const args = [policy.freeAttempts, policy.windowMs, policy.baseDelayMs, policy.maxDelayMs];

  return {
    async attempt(keys) {
      const redisKeys = distinctKeys(keys).flatMap((key) => [countKey(key), blockKey(key)]);
      const waitMs = await redis.eval(attemptScript, redisKeys.length, ...redisKeys, ...args);
      return decision(Number(waitMs));
    },
    async reset(keys) {
      // one DEL per key: a key's count and block share a slot, different keys need not
      await Promise.all(keys.map((key) => redis.del(countKey(key), blockKey(key))));
    },
    async close() {},
  };
}
