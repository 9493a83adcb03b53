/** The tokens of a signed-in client: the short-lived access token and the refresh token. */
export interface StoredSession {
  token: string;
  refreshToken: string;
}

/** Where the client keeps its session between calls. Pass your own to persist it (e.g. localStorage). */
export interface TokenStore {
  get(): StoredSession | null;
  set(session: StoredSession | null): void;
}

export function createMemoryTokenStore(initial: StoredSession | null = null): TokenStore {
  let session = initial;
  return {
    get: () => session,
    set: (next) => {
      session = next;
    },
  };
}
