// Whether the client holds a session, as React sees it, and the one place that clears the query
// cache when the session goes away: signed out here, in another tab, or ended by the server (a
// refused refresh, after which the client empties its token store).
//
// A store that tells of its changes (`subscribe`, as the client's browser store does) is followed
// exactly, whoever changes it. A store that cannot tell (today's createMemoryTokenStore) is read
// again whenever a query or mutation of the app's QueryClient changes state: the client changes
// the store only while answering a call (sign-in, sign-out, a refused refresh behind any call), so
// calls made through useTRPC's hooks and useSession().signOut are all seen. A call made on the
// client directly, outside the QueryClient, is seen at the next query or mutation.
import type { StoredSession, TokenStore } from "@platform/client";
import type { QueryClient } from "@tanstack/react-query";

/** A TokenStore that may tell of its changes, local or from another tab. */
export type SessionTokenStore = TokenStore & {
  subscribe?: (listener: (session: StoredSession | null) => void) => () => void;
};

export interface SessionWatch {
  /** Whether the store held a session when last read. */
  hasSession: () => boolean;
  /** Called after each change of hasSession(); returns the unsubscribe. */
  subscribe: (listener: () => void) => () => void;
  /** Reads the store again (after something that may have changed it). */
  check: () => void;
  /** Follows the store (or the QueryClient's calls) until the returned function is called. */
  start: () => () => void;
}

export function createSessionWatch(store: SessionTokenStore, queryClient: QueryClient): SessionWatch {
  let hasSession = store.get() !== null;
  const listeners = new Set<() => void>();

  function check() {
    const isSignedIn = store.get() !== null;
    if (isSignedIn === hasSession) return;
    hasSession = isSignedIn;
    for (const listener of listeners) listener();
    // Nothing read with the ended session may be shown to whoever signs in next. Cleared once the
    // calls under way have settled: the store empties while the call that found the session gone
    // is still answering, and clearing would cancel it (its error then reaches nobody).
    if (!isSignedIn) {
      setTimeout(() => {
        queryClient.clear();
      }, 0);
    }
  }

  return {
    hasSession: () => hasSession,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    check,
    start() {
      const stops = store.subscribe
        ? [store.subscribe(check)]
        : [queryClient.getQueryCache().subscribe(check), queryClient.getMutationCache().subscribe(check)];
      check(); // whatever changed before we listened
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
