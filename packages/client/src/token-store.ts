import { createSessionListeners } from "./session-listeners.js";

/**
 * The tokens of a signed-in client: the short-lived access token and the refresh token. In
 * cookie mode (createClient's `refreshTokenIn: "cookie"`) there is no refresh token here: the
 * browser keeps it in an HttpOnly cookie that scripts cannot read.
 */
export interface StoredSession {
  token: string;
  refreshToken?: string;
}

/** Called with the store's new session (null: signed out) whenever it changes. */
export type SessionListener = (session: StoredSession | null) => void;

/**
 * Where the client keeps its session between calls. Pass your own to persist it elsewhere; see
 * createBrowserTokenStore for a browser's.
 */
export interface TokenStore {
  get(): StoredSession | null;
  set(session: StoredSession | null): void;
  /**
   * Calls `listener` on every change of the session, made here or (for a store shared between
   * tabs) elsewhere; returns the function that stops it. Optional: a UI that shows the session
   * needs it (e.g. to leave a signed-out page), the client does not.
   */
  subscribe?(listener: SessionListener): () => void;
}

export function createMemoryTokenStore(initial: StoredSession | null = null): TokenStore {
  let session = initial;
  const listeners = createSessionListeners();
  return {
    get: () => session,
    set: (next) => {
      if (next === session) return; // not a change: nobody to tell
      session = next;
      listeners.notify(next);
    },
    subscribe: (listener) => listeners.subscribe(listener),
  };
}
