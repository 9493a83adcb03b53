// Whether the client holds a session, as React sees it, and the one place that clears the query
// cache when the session goes away: signed out here, in another tab, or ended by the server (a
// refused refresh, after which the client empties its token store). The store may also go from
// one session straight to another's, with no sign-out between: another tab signed in as someone
// else (body mode: localStorage is shared), or the shared refresh cookie now holds another tab's
// session (cookie mode: the next refresh answers with it). That is the old session ending and a
// new one starting: told by the session id in the access token (session-identity.ts).
//
// A store that tells of its changes (`subscribe`, as the client's browser store does) is followed
// exactly, whoever changes it. A store that cannot tell (today's createMemoryTokenStore) is read
// again whenever a query or mutation of the app's QueryClient changes state: the client changes
// the store only while answering a call (sign-in, sign-out, a refused refresh behind any call), so
// calls made through useTRPC's hooks and useSession().signOut are all seen. A call made on the
// client directly, outside the QueryClient, is seen at the next query or mutation.
import type { StoredSession, TokenStore } from "@platform/client";
import type { QueryClient } from "@tanstack/react-query";

import { sessionIdOf } from "./session-identity.js";

/** A TokenStore that may tell of its changes, local or from another tab. */
export type SessionTokenStore = TokenStore & {
  subscribe?: (listener: (session: StoredSession | null) => void) => () => void;
};

export interface SessionWatch {
  /** Whether the store held a session when last read. */
  hasSession: () => boolean;
  /**
   * Which session was last read: changes whenever hasSession() does, and when the store went from
   * one session to another (after the query cache was cleared of what the old one read).
   */
  sessionNumber: () => number;
  /** Called after each change of sessionNumber(); returns the unsubscribe. */
  subscribe: (listener: () => void) => () => void;
  /** Reads the store again (after something that may have changed it). */
  check: () => void;
  /** Follows the store (or the QueryClient's calls) until the returned function is called. */
  start: () => () => void;
}

export function createSessionWatch(store: SessionTokenStore, queryClient: QueryClient): SessionWatch {
  let hasSession = store.get() !== null;
  let sessionId = sessionIdIn(store.get());
  let sessionNumber = 0;
  const listeners = new Set<() => void>();
  const notify = () => {
    sessionNumber += 1;
    for (const listener of listeners) listener();
  };
  // Nothing read with an ended session may be shown to whoever holds the next one. Cleared once the
  // calls under way have settled: the store changes while the call that found the session gone (or
  // refreshed into another) is still answering, and clearing would cancel it (its error then
  // reaches nobody).
  const clearSoon = (afterwards?: () => void) => {
    setTimeout(() => {
      queryClient.clear();
      afterwards?.();
    }, 0);
  };

  function check() {
    const session = store.get();
    const isSignedIn = session !== null;
    const nextId = sessionIdIn(session);
    // an unreadable id is "no change detected", never an identity of its own: a refresh gives a new
    // token of the same session, which must not empty the cache (the API still checks every call)
    const switched =
      hasSession && isSignedIn && sessionId !== undefined && nextId !== undefined && nextId !== sessionId;
    if (!isSignedIn || nextId !== undefined) sessionId = nextId;
    if (switched) {
      // told only once the cache is empty: observers then fetch anew (auth.me: the new user)
      clearSoon(notify);
      return;
    }
    if (isSignedIn === hasSession) return;
    hasSession = isSignedIn;
    notify();
    if (!isSignedIn) clearSoon();
  }

  return {
    hasSession: () => hasSession,
    sessionNumber: () => sessionNumber,
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

function sessionIdIn(session: StoredSession | null): string | undefined {
  return session ? sessionIdOf(session.token) : undefined;
}
