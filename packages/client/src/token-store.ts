/** Where the client keeps the access token between calls. Pass your own to persist it (e.g. localStorage). */
export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
}

export function createMemoryTokenStore(initialToken: string | null = null): TokenStore {
  let token = initialToken;
  return {
    get: () => token,
    set: (next) => {
      token = next;
    },
  };
}
