// The change feed across instances: Redis pub/sub on a connection of its own (a subscribed
// connection can do nothing else). Every registry write that changes a user publishes the user's
// id on `<prefix>changes` in the same MULTI as the write itself, so the message cannot exist
// without the write nor the write without the message.
//
// Live means: subscribed on the current connection, and that connection answered a ping within
// the last `heartbeatMs`. The feed stops being live (and tells its listeners that anything may
// have changed) the moment the connection closes, or when a ping goes unanswered: a network cut
// that drops packets closes nothing, and messages lost in it would otherwise go unnoticed. It is
// live again only once the SUBSCRIBE on the new connection is confirmed; what was published in
// between is not needed, because everything was forgotten when the feed went down.
//
// On a Redis Cluster the feed subscribes on a plain connection to one node of it, not on a
// Cluster: a PUBLISH on any node reaches every node, so one node hears everything, and the
// liveness above (this connection closing, its pings) is then the subscription's own. ioredis's
// Cluster would subscribe on a hidden connection that it moves to another node by itself when its
// node goes, and what was published meanwhile would be lost without the feed ever going down.
// Each reconnection goes to the next node the cluster knows, so a node gone for good is left behind.
import { Cluster, type Redis } from "ioredis";

import { type ChangeFeed, createLocalChangeFeed } from "./change-feed.js";
import type { RedisConnection } from "./redis-connection.js";

export interface RedisChangeFeedOptions {
  /** The registry's connection: the feed subscribes on a duplicate of it (on a Cluster, of one of its nodes). */
  redis: RedisConnection;
  channel: string;
  heartbeatMs?: number;
}

export interface RedisChangeFeed extends ChangeFeed {
  /** Tells this instance's listeners at once (its own writes: the published message comes later). */
  notify(userId: string): void;
  close(): Promise<void>;
}

/** How often the subscribed connection is pinged; an unanswered ping makes the feed not live. */
export const changeFeedHeartbeatMs = 1_000;

export function createRedisChangeFeed({
  redis,
  channel,
  heartbeatMs = changeFeedHeartbeatMs,
}: RedisChangeFeedOptions): RedisChangeFeed {
  let isLive = false;
  let isClosed = false;
  /** Counts connections, so that a SUBSCRIBE confirmed on a connection that has since closed counts for nothing. */
  let connection = 0;
  const local = createLocalChangeFeed(() => isLive);
  // named after its channel, so that an operator (or a test) can find it in CLIENT LIST
  const subscriber = subscriberFor(redis, channel);

  function goDown() {
    if (!isLive) return;
    isLive = false;
    local.notify(null);
  }

  async function subscribe() {
    const current = connection;
    try {
      await subscriber.subscribe(channel);
      if (current === connection && !isClosed) isLive = true;
    } catch {
      // refused or timed out (a timeout closes nothing): a new connection subscribes again on "ready"
      if (current === connection && !isClosed) subscriber.disconnect(true);
    }
  }

  subscriber.on("message", (from: string, userId: string) => {
    if (from === channel) local.notify(userId);
  });
  subscriber.on("ready", () => void subscribe());
  subscriber.on("close", () => {
    connection++;
    goDown();
  });
  // the registry's own connection reports outages; here an error only means "not live", which
  // "close" or the heartbeat says
  subscriber.on("error", () => {});

  let isPinging = false;
  let late: NodeJS.Timeout | undefined;
  const heartbeat = setInterval(() => {
    if (!isLive || isPinging) return;
    isPinging = true;
    let isSettled = false;
    const settle = (isAnswered: boolean) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(late);
      isPinging = false;
      if (isAnswered || isClosed) return;
      goDown();
      subscriber.disconnect(true); // a new connection, instead of waiting on a dead one
    };
    late = setTimeout(() => {
      settle(false);
    }, heartbeatMs);
    subscriber.ping().then(
      () => {
        settle(true);
      },
      () => {
        settle(false);
      },
    );
  }, heartbeatMs);
  heartbeat.unref();

  let started: Promise<void> | undefined;
  const start = () => {
    started ??= subscriber.connect().catch(() => {
      // not reachable now: ioredis keeps trying, and "ready" subscribes
    });
  };

  return {
    subscribe(listener) {
      start();
      return local.subscribe(listener);
    },
    isLive: () => isLive,
    notify: (userId) => {
      local.notify(userId);
    },
    async close() {
      isClosed = true;
      clearInterval(heartbeat);
      clearTimeout(late);
      goDown();
      // a feed nobody subscribed to never connected: quitting would connect it first
      if (!started) return;
      await subscriber.quit().catch(() => {
        subscriber.disconnect();
      });
    },
  };
}

/** ioredis's default: 50 ms more with each attempt, at most 2 s. */
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 50, 2_000);

/** The connection to subscribe on, named `name`: see the header for why a Cluster gets a plain one. */
function subscriberFor(redis: RedisConnection, name: string): Redis {
  const options = { lazyConnect: true, connectionName: name };
  if (!(redis instanceof Cluster)) return redis.duplicate(options);
  const cluster = redis;
  const [first] = cluster.nodes();
  if (!first)
    throw new Error("Redis change feed: the Cluster knows no node yet; connect it before creating the registry");
  const subscriber: Redis = first.duplicate({
    ...options,
    retryStrategy: (attempt: number) => {
      // the connector reads host and port from these options on each attempt
      const known = cluster.nodes();
      const { host, port } = subscriber.options;
      const current = known.findIndex((node) => node.options.host === host && node.options.port === port);
      const next = known[(current + 1) % known.length];
      if (next) Object.assign(subscriber.options, { host: next.options.host, port: next.options.port });
      return reconnectDelayMs(attempt);
    },
  });
  return subscriber;
}
