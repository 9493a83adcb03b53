import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@platform/api";
import { sessionLink } from "./session-link.js";
import { createMemoryTokenStore, type TokenStore } from "./token-store.js";

export interface ClientOptions {
  /** The tRPC endpoint, e.g. http://127.0.0.1:3001/trpc */
  url: string;
  /** Where the access token is kept; in memory by default. */
  tokenStore?: TokenStore;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export type IdentityClient = TRPCClient<AppRouter>;

/**
 * A typed client: calls are checked against the server's router at compile time. The token from
 * `auth.signIn` is kept and sent as `authorization: Bearer ...`; `auth.signOut` forgets it.
 */
export function createClient(options: ClientOptions): IdentityClient {
  const tokenStore = options.tokenStore ?? createMemoryTokenStore();
  return createTRPCClient<AppRouter>({
    links: [
      sessionLink(tokenStore),
      httpBatchLink({
        url: options.url,
        transformer: superjson,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        headers() {
          const token = tokenStore.get();
          return { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
        },
      }),
    ],
  });
}
