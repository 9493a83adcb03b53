// The Redis connection behind the session registry and the sign-in counters, and what is said
// about it. ioredis reconnects by itself and emits an "error" event for every failed attempt (a
// few a second at first, then one every 2 s); with no listener each one prints "[ioredis]
// Unhandled error event" and a stack. Here instead:
//   at start-up   a failure is one StartupError (Cannot reach Redis at REDIS_URL=...: reason)
//   once running  an outage is one warning when it starts and one info line when it ends; each
//                 failed attempt in between is logged at debug
// While Redis is away, calls that need it fail fast with 503 (no offline queue, one retry).
// A partition (packets dropped, no reset) closes nothing, so time is the only sign of it:
//   commandTimeout   a command without an answer fails after this long (the call gets 503)
//   socketTimeout    a connection that answers nothing for this long while commands wait is
//                    destroyed and replaced (ioredis reconnects), so no socket waits on a dead link
//   connectTimeout   bounds a new connection's TCP handshake (its ready check is a command)
// Commands that were written on a connection that died are not sent again on the next one
// (autoResendUnfulfilledCommands): their callers have had their answer (503) already.
// A Redis Cluster (REDIS_CLUSTER_NODES) is opened the same way, with the same options for each of
// its nodes, every command going to the master of its key's slot (scaleReads "master": a replica
// may be behind, and a revoked session must not be read as live from one).
import { redisClusterSeeds, type RedisConnection } from "@platform/auth";
import { Cluster, Redis, type RedisOptions } from "ioredis";

import type { RedisTarget } from "./config-reader.js";
import type { Logger } from "./logger.js";
import { redactUrl } from "./redact-url.js";
import { StartupError } from "./startup-error.js";

/** The hot path's commands take a millisecond or two; a call answers within 2 s during a partition. */
export const redisTimeouts = { commandMs: 1_000, socketMs: 1_500, connectMs: 1_000 } as const;

const redisOptions: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  commandTimeout: redisTimeouts.commandMs,
  socketTimeout: redisTimeouts.socketMs,
  connectTimeout: redisTimeouts.connectMs,
};

/** A Redis Cluster's seeds, as the configuration has them (URLs). */
export interface RedisClusterTarget {
  nodes: readonly string[];
}

function openCluster({ nodes }: RedisClusterTarget): Cluster {
  const { startupNodes, redisOptions: credentials } = redisClusterSeeds(nodes);
  const { lazyConnect, enableOfflineQueue, ...nodeOptions } = redisOptions;
  return new Cluster(startupNodes, {
    lazyConnect,
    enableOfflineQueue,
    scaleReads: "master",
    redisOptions: { ...nodeOptions, ...credentials },
  });
}

/** One Redis server (REDIS_URL), or a Redis Cluster (REDIS_CLUSTER_NODES). */
export async function openRedis(url: string, logger: Logger): Promise<Redis>;
export async function openRedis(cluster: RedisClusterTarget, logger: Logger): Promise<Cluster>;
export async function openRedis(target: string | RedisClusterTarget, logger: Logger): Promise<RedisConnection>;
export async function openRedis(target: string | RedisClusterTarget, logger: Logger): Promise<RedisConnection> {
  const isCluster = typeof target !== "string";
  const where = isCluster ? target.nodes.map(redactUrl).join(",") : redactUrl(target);
  const redis = isCluster ? openCluster(target) : new Redis(target, redisOptions);
  let lastError: Error | undefined;
  let hasBeenReady = false;
  let isInOutage = false;
  redis.on("error", (error: Error) => {
    lastError = error;
    logger.debug({ err: error }, `Redis at ${where}: ${error.message}`);
    if (hasBeenReady && !isInOutage) {
      isInOutage = true;
      logger.warn(`Redis at ${where} is unreachable (${error.message}); reconnecting, calls that need it get 503`);
    }
  });
  // a Cluster's connections to its nodes report here (its own "error" speaks of the whole cluster)
  redis.on("node error", (error: Error, node: string) => {
    logger.debug({ err: error }, `Redis node ${node}: ${error.message}`);
  });
  redis.on("ready", () => {
    if (isInOutage) logger.info(`Redis at ${where} is reachable again`);
    hasBeenReady = true;
    isInOutage = false;
  });

  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    // connect() only says "Connection is closed."; the event said why. A Cluster's event only
    // says "Failed to refresh slots cache.": the error of the last node it asked says why.
    const event = lastError ?? (error as Error);
    const { lastNodeError } = event as { lastNodeError?: unknown };
    const reason = lastNodeError instanceof Error ? lastNodeError : event;
    const setting = isCluster ? "REDIS_CLUSTER_NODES" : "REDIS_URL";
    throw new StartupError(`Cannot reach Redis at ${setting}=${where}: ${reason.message}`, { cause: reason });
  }
  return redis;
}

/** The Redis a configuration names (REDIS_URL or REDIS_CLUSTER_NODES, see readRedisTarget), opened by openRedis. */
export function openRedisTarget(target: RedisTarget, logger: Logger): Promise<RedisConnection> {
  return openRedis(target.kind === "redis" ? target.url : target, logger);
}

/** "Redis at <url>" or "Redis Cluster at <seeds>", passwords hidden: for start-up reports. */
export function describeRedisTarget(target: RedisTarget): string {
  return target.kind === "redis"
    ? `Redis at ${redactUrl(target.url)}`
    : `Redis Cluster at ${target.nodes.map(redactUrl).join(",")}`;
}
