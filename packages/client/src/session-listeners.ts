// The listeners of a token store (TokenStore.subscribe). One listener that throws must neither
// stop the others nor fail the store's `set` (which runs inside a sign-in's or a refresh's
// response): its error is rethrown on its own, where the runtime reports uncaught errors.
import type { SessionListener, StoredSession } from "./token-store.js";

export interface SessionListeners {
  subscribe(listener: SessionListener): () => void;
  notify(session: StoredSession | null): void;
}

export function createSessionListeners(): SessionListeners {
  const listeners = new Set<SessionListener>();
  return {
    subscribe(listener) {
      // wrapped, so that one function subscribed twice is two subscriptions, each with its own end
      const entry: SessionListener = (session) => {
        listener(session);
      };
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    notify(session) {
      for (const listener of [...listeners]) {
        try {
          listener(session);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
