// What one instance remembers of the registry's (or the database's) answers about a user — "is
// session S live, and with which roles", "the user's profile" — so that an authenticated call
// makes no round trip. Correct only together with a change feed (change-feed.ts):
//  - a change to a user drops everything remembered about them, on every instance, as soon as
//    the feed delivers it;
//  - an answer read while a change to that user arrived is returned to its callers but never
//    kept. This is the race that matters: the registry answers "live", the revocation's message
//    arrives, and only then does the answer reach us. Kept, it would outlive the revocation.
//  - while the feed is not live (Redis restarting, a network cut), nothing is served from memory
//    and nothing is kept, so an outage still fails closed (503) instead of answering from memory;
//  - no answer is served more than `maxAgeMs` after it was read: the backstop for a change the
//    feed could not carry (a write by something that does not publish).
// Memory is bounded: the `maxUsers` most recently used users, `maxEntriesPerUser` answers each.
import { LRUCache } from "lru-cache";

import type { ChangeFeed } from "./change-feed.js";

export interface UserCacheOptions<T> {
  changes: ChangeFeed;
  /** Which answers may be kept (e.g. only "live"); every answer is kept by default. */
  keep?: (value: T) => boolean;
  maxAgeMs?: number;
  maxUsers?: number;
  maxEntriesPerUser?: number;
  now?: () => number;
}

export interface UserCache<T> {
  /** The answer for `key` of `userId`: remembered, or `load`ed (concurrent misses share one load). */
  get(userId: string, key: string, load: () => Promise<T>): Promise<T>;
  /** Stops listening to the feed. */
  close(): void;
}

/** The backstop on an answer's age: a change no instance published is honoured within this. */
export const userCacheMaxAgeMs = 10_000;

interface Answer<T> {
  value: T;
  readAt: number;
}

interface Load<T> {
  promise: Promise<T>;
  /** A change to the user arrived while it ran: its answer is not kept, and new calls do not join it. */
  isStale: boolean;
}

export function createUserCache<T>({
  changes,
  keep = () => true,
  maxAgeMs = userCacheMaxAgeMs,
  maxUsers = 100_000,
  maxEntriesPerUser = 32,
  now = Date.now,
}: UserCacheOptions<T>): UserCache<T> {
  const answers = new LRUCache<string, Map<string, Answer<T>>>({ max: maxUsers });
  const loads = new Map<string, Map<string, Load<T>>>();

  function forgetLoads(userLoads: Map<string, Load<T>> | undefined) {
    for (const load of userLoads?.values() ?? []) load.isStale = true;
  }

  const unsubscribe = changes.subscribe((userId) => {
    if (userId === null) {
      answers.clear();
      for (const userLoads of loads.values()) forgetLoads(userLoads);
      loads.clear();
    } else {
      answers.delete(userId);
      forgetLoads(loads.get(userId));
      loads.delete(userId);
    }
  });

  function remembered(userId: string, key: string): Answer<T> | undefined {
    const userAnswers = answers.get(userId);
    const answer = userAnswers?.get(key);
    if (answer && now() - answer.readAt >= maxAgeMs) {
      userAnswers?.delete(key);
      return undefined;
    }
    return answer;
  }

  function remember(userId: string, key: string, answer: Answer<T>) {
    let userAnswers = answers.get(userId);
    if (!userAnswers) {
      userAnswers = new Map();
      answers.set(userId, userAnswers);
    }
    if (userAnswers.size >= maxEntriesPerUser && !userAnswers.has(key)) {
      const oldest = userAnswers.keys().next();
      if (!oldest.done) userAnswers.delete(oldest.value);
    }
    userAnswers.set(key, answer);
  }

  function startLoad(userId: string, key: string, load: () => Promise<T>): Promise<T> {
    const readAt = now();
    // registered before `load` runs, so that even a load that fails at once is unregistered after
    const current = { isStale: false } as Load<T>;
    let userLoads = loads.get(userId);
    if (!userLoads) {
      userLoads = new Map();
      loads.set(userId, userLoads);
    }
    userLoads.set(key, current);
    current.promise = (async () => {
      try {
        const value = await load();
        // checked in the same tick as the answer arrives: a change heard before it wins
        if (!current.isStale && changes.isLive() && keep(value)) remember(userId, key, { value, readAt });
        return value;
      } finally {
        const stillLoading = loads.get(userId);
        if (stillLoading?.get(key) === current) stillLoading.delete(key);
        if (stillLoading?.size === 0) loads.delete(userId);
      }
    })();
    return current.promise;
  }

  return {
    get(userId, key, load) {
      if (!changes.isLive()) return load();
      const answer = remembered(userId, key);
      if (answer) return Promise.resolve(answer.value);
      const running = loads.get(userId)?.get(key);
      return running ? running.promise : startLoad(userId, key, load);
    },
    close: unsubscribe,
  };
}
