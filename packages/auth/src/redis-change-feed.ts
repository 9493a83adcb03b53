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
import type { Redis } from "ioredis";

import { type ChangeFeed, createLocalChangeFeed } from "./change-feed.js";

export interface RedisChangeFeedOptions {
  /** The registry's connection: the feed subscribes on a duplicate of it. */
  redis: Redis;
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
  const subscriber = redis.duplicate({ lazyConnect: true, connectionName: channel });

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
