// Deletes what an API process wrote in Redis for some users, emails and client IPs, for the test and
// the soak that run the real entry point (main.ts) on a shared Redis. That process uses the
// default key prefix (it has no setting for another), so its keys cannot be told apart by prefix;
// they are told apart by what every key of the platform carries in braces (its Redis Cluster hash
// tag, see redis-session-registry.ts and redis-rate-limiter.ts): the user id for sessions and
// roles, the email or the IP for the sign-in counters. One SCAN of the prefix, nothing else touched.
import type { Redis } from "ioredis";

import { defaultRedisKeyPrefix } from "./redis-keys.js";

export interface ApiKeyOwners {
  userIds?: Iterable<string>;
  /** Normalised emails (the account counters' keys). */
  emails?: Iterable<string>;
  /** Client IPs (the IP counters' keys). */
  ips?: Iterable<string>;
}

/** The first `{...}` of a key: the user id, email or IP it belongs to. */
const hashTagOf = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

/** Deletes the keys under `keyPrefix` that belong to `owners`; resolves to how many were deleted. */
export async function forgetApiKeys(
  redis: Redis,
  owners: ApiKeyOwners,
  keyPrefix = defaultRedisKeyPrefix,
): Promise<number> {
  const tags = new Set([...(owners.userIds ?? []), ...(owners.emails ?? []), ...(owners.ips ?? [])]);
  if (tags.size === 0) return 0;
  // glob metacharacters in the prefix are matched literally
  const pattern = `${keyPrefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    const ours = keys.filter((key) => {
      const tag = hashTagOf(key);
      return tag !== undefined && tags.has(tag);
    });
    if (ours.length > 0) deleted += await redis.del(...ours);
  } while (cursor !== "0");
  return deleted;
}
