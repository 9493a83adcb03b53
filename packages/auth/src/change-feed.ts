// Every instance keeps, in its own memory, what the registry answered for live sessions (see
// user-cache.ts), so an authenticated call needs no round trip. That is only safe if the instance
// hears of every change the registry makes: a change feed says "user X's entries changed" (after
// a revocation or a role change, made by any instance) and "changes may have been missed" (the
// feed was interrupted: forget everything). While it is not live, caches answer nothing from
// memory and keep nothing.
//
// In one process (the in-process registry) the feed is this module's local one; across
// instances it is Redis pub/sub (redis-change-feed.ts), and each instance also hears its own
// writes at once, before the write's call answers.

/** `userId` changed, or `null`: anything may have changed (drop everything). */
export type ChangeListener = (userId: string | null) => void;

export interface ChangeFeed {
  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
  /** True while every change is heard. */
  isLive(): boolean;
}

/** A feed whose changes are told to it in this process. */
export interface LocalChangeFeed extends ChangeFeed {
  /** Tells every listener, synchronously. */
  notify(userId: string | null): void;
}

export function createLocalChangeFeed(isLive: () => boolean = () => true): LocalChangeFeed {
  const listeners = new Set<ChangeListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    isLive,
    notify(userId) {
      for (const listener of listeners) listener(userId);
    },
  };
}
