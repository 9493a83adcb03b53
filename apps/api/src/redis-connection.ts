// The Redis connection behind the session registry and the sign-in counters, and what is said
// about it. ioredis reconnects by itself and emits an "error" event for every failed attempt (a
// few a second at first, then one every 2 s); with no listener each one prints "[ioredis]
// Unhandled error event" and a stack. Here instead:
//   at start-up   a failure is one StartupError (Cannot reach Redis at REDIS_URL=...: reason)
//   once running  an outage is one warning when it starts and one info line when it ends; each
//                 failed attempt in between is logged at debug
// While Redis is away, calls that need it fail fast with 503 (no offline queue, one retry).
import { Redis } from "ioredis";

import type { Logger } from "./logger.js";
import { redactUrl } from "./redact-url.js";
import { StartupError } from "./startup-error.js";

export async function openRedis(url: string, logger: Logger): Promise<Redis> {
  const where = redactUrl(url);
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
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
  redis.on("ready", () => {
    if (isInOutage) logger.info(`Redis at ${where} is reachable again`);
    hasBeenReady = true;
    isInOutage = false;
  });

  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    // connect() only says "Connection is closed."; the event said why
    const reason = lastError ?? (error as Error);
    throw new StartupError(`Cannot reach Redis at REDIS_URL=${where}: ${reason.message}`, { cause: reason });
  }
  return redis;
}
