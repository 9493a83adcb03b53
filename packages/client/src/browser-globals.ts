// What the browser token store needs from a browser, found without assuming one: under SSR or in
// Node there is no document, and a browser that refuses storage throws SecurityError on access.
// Typed here by shape, so that the package needs no DOM types and its .d.ts names none.

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface StorageEventLike {
  readonly key: string | null;
}

export interface StorageEventTarget {
  addEventListener(type: "storage", listener: (event: StorageEventLike) => void): void;
  removeEventListener(type: "storage", listener: (event: StorageEventLike) => void): void;
}

export interface ChannelLike {
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
  /** Node's channels only: without it an open channel keeps the process alive. */
  unref?(): void;
}

export type ChannelConstructor = new (name: string) => ChannelLike;

export interface BrowserGlobals {
  /** Absent when the browser refuses storage (disabled, or a sandboxed frame). */
  localStorage: StorageLike | undefined;
  /** The window, where other tabs' changes to localStorage arrive as `storage` events. */
  window: StorageEventTarget;
  BroadcastChannel: ChannelConstructor | undefined;
}

interface MaybeBrowser {
  document?: unknown;
  localStorage?: Partial<StorageLike>;
  addEventListener?: unknown;
  BroadcastChannel?: unknown;
}

/** The browser's globals, or undefined outside a browser (SSR, Node, a worker). */
export function findBrowserGlobals(): BrowserGlobals | undefined {
  const scope = globalThis as MaybeBrowser;
  if (typeof scope.document !== "object" || scope.document === null) return undefined;
  if (typeof scope.addEventListener !== "function") return undefined;
  return {
    localStorage: findLocalStorage(scope),
    window: scope as StorageEventTarget,
    BroadcastChannel:
      typeof scope.BroadcastChannel === "function" ? (scope.BroadcastChannel as ChannelConstructor) : undefined,
  };
}

function findLocalStorage(scope: MaybeBrowser): StorageLike | undefined {
  try {
    const storage = scope.localStorage;
    if (typeof storage?.getItem !== "function") return undefined;
    storage.getItem("platform-session"); // a refusing browser throws at the lookup above or at this first read
    return storage as StorageLike;
  } catch {
    return undefined;
  }
}
