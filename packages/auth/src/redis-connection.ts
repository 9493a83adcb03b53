// What the Redis parts of this package (session registry, change feed, rate limiter) run on: one
// Redis server, or a Redis Cluster. On a Cluster every key one command, MULTI or script touches
// shares a hash tag (`{<userId>}` for a user's sessions and roles, `{<key>}` for a rate-limit
// key's count and block), so each of them is single-slot; PUBLISH has no key and reaches every
// node of the cluster, so a subscriber on any node hears it.
import type { Cluster, Redis, RedisOptions } from "ioredis";

export type RedisConnection = Redis | Cluster;

/** A Cluster's seed nodes and what every node is reached with, as ioredis's Cluster takes them. */
export interface RedisClusterSeeds {
  startupNodes: { host: string; port: number }[];
  redisOptions: Pick<RedisOptions, "username" | "password" | "tls">;
}

/**
 * Seeds from `redis://[user:password@]host:port` URLs (rediss:// for TLS). ioredis reaches every
 * node with one set of credentials, so those of the first URL are used (the API's configuration
 * refuses seeds that differ).
 */
export function redisClusterSeeds(urls: readonly string[]): RedisClusterSeeds {
  const seeds = urls.map((url) => new URL(url));
  const [first] = seeds;
  const optional = (value = "") => decodeURIComponent(value) || undefined;
  return {
    startupNodes: seeds.map(({ hostname, port }) => ({ host: hostname, port: Number(port || 6379) })),
    redisOptions: {
      username: optional(first?.username),
      password: optional(first?.password),
      ...(first?.protocol === "rediss:" ? { tls: {} } : {}),
    },
  };
}
