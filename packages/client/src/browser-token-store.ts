// A token store for a web app: the session of this origin, kept per tab or shared by every tab.
//  - persist: true keeps it in localStorage (body mode: the refresh token survives a reload, and
//    every tab shares one session); other tabs' changes arrive as `storage` events;
//  - persist: false keeps it in this tab's memory (cookie mode: the refresh token is an HttpOnly
//    cookie, and a reload resumes with resumeSession); a sign-out is sent to the other tabs over a
//    BroadcastChannel named by `key` (a new session is not: each tab gets its own access token).
// Either way a sign-out in one tab signs out every tab, and listeners hear every change.
// Outside a browser (SSR, Node) or when the browser refuses storage it is a plain memory store of
// this process or tab: creating it never throws, so an app may create it at module scope.
import {
  type BrowserGlobals,
  type ChannelConstructor,
  findBrowserGlobals,
  type StorageEventLike,
  type StorageLike,
} from "./browser-globals.js";
import { createSessionListeners } from "./session-listeners.js";
import type { SessionListener, StoredSession, TokenStore } from "./token-store.js";

export interface BrowserTokenStoreOptions {
  /** The localStorage key, and the BroadcastChannel's name; "platform-session" by default. */
  key?: string;
  /** true: localStorage, shared by the tabs and kept across reloads (body mode). false (default): this tab's memory (cookie mode). */
  persist?: boolean;
}

export interface BrowserTokenStore extends TokenStore {
  subscribe(listener: SessionListener): () => void;
  /** Stops hearing from other tabs (e.g. on hot reload); get, set and this tab's listeners keep working. */
  close(): void;
}

export function createBrowserTokenStore({
  key = "platform-session",
  persist = false,
}: BrowserTokenStoreOptions = {}): BrowserTokenStore {
  const browser = findBrowserGlobals();
  const storage = persist ? browser?.localStorage : undefined;
  return storage && browser ? localStorageStore(key, storage, browser) : tabStore(key, browser?.BroadcastChannel);
}

function localStorageStore(key: string, storage: StorageLike, browser: BrowserGlobals): BrowserTokenStore {
  const listeners = createSessionListeners();
  // get() is read on every request and by UIs that need the same object while nothing changed
  // (React's useSyncExternalStore): parse only when the stored text changed
  let storedText: string | null | undefined;
  let session: StoredSession | null = null;
  const read = () => {
    const text = storage.getItem(key);
    if (text !== storedText) [storedText, session] = [text, parseSession(text)];
    return session;
  };
  /** Re-reads the storage and tells the listeners when the session is another one. */
  const reread = () => {
    const before = session;
    if (read() !== before) listeners.notify(session);
  };
  const onStorage = (event: StorageEventLike) => {
    // our key changed in another tab, or that tab cleared the whole storage (key null); an event
    // that changed nothing here (another storage area's) tells no one: reread compares the text
    if (event.key === key || event.key === null) reread();
  };
  browser.window.addEventListener("storage", onStorage);

  return {
    get: read,
    set(next) {
      if (next === null) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(pickSession(next)));
      reread();
    },
    subscribe: (listener) => listeners.subscribe(listener),
    close() {
      browser.window.removeEventListener("storage", onStorage);
    },
  };
}

/** The message that tells the other tabs' stores of the same key that the session has ended. */
const signedOut = { type: "signed-out" } as const;

function tabStore(key: string, Channel: ChannelConstructor | undefined): BrowserTokenStore {
  const listeners = createSessionListeners();
  let session: StoredSession | null = null;
  const change = (next: StoredSession | null) => {
    if (next === session) return false;
    session = next;
    listeners.notify(next);
    return true;
  };
  let channel = Channel ? new Channel(key) : undefined;
  channel?.unref?.(); // Node's channel (tests, SSR) would keep the process alive; browsers have no unref
  if (channel) {
    channel.onmessage = ({ data }) => {
      if ((data as { type?: unknown } | null)?.type === signedOut.type) change(null);
    };
  }

  return {
    get: () => session,
    set(next) {
      // only a sign-out (the session was there, now it is not) is every tab's business
      if (change(next) && next === null) channel?.postMessage(signedOut);
    },
    subscribe: (listener) => listeners.subscribe(listener),
    close() {
      channel?.close();
      channel = undefined; // a closed channel throws on postMessage
    },
  };
}

/** Only the tokens are stored, whatever else the object given to set() carries. */
function pickSession({ token, refreshToken }: StoredSession): StoredSession {
  return refreshToken === undefined ? { token } : { token, refreshToken };
}

/** The session stored as text, or null when there is none or it is not one (hand-edited, another app's). */
function parseSession(text: string | null): StoredSession | null {
  if (text === null) return null;
  try {
    const { token, refreshToken } = JSON.parse(text) as { token?: unknown; refreshToken?: unknown };
    if (typeof token !== "string" || !(refreshToken === undefined || typeof refreshToken === "string")) return null;
    return pickSession({ token, ...(refreshToken === undefined ? {} : { refreshToken }) });
  } catch {
    return null;
  }
}
