// The one provider an app mounts: TanStack Query, the typed tRPC hooks (useTRPC) and the session
// (useSession), all on the client and token store the app made with @platform/client.
import { type IdentityClient, isIdentityError } from "@platform/client";
import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useEffect, useMemo, useState } from "react";

import { createPlatformQueryClient } from "./query-client.js";
import { SessionContext, type SessionContextValue } from "./session-context.js";
import { createSessionWatch, type SessionTokenStore } from "./session-watch.js";
import { TRPCProvider } from "./trpc-context.js";

export interface PlatformProviderProps {
  /** The identity API's client (createClient), made with `tokenStore`. */
  client: IdentityClient;
  /** The store the client keeps its session in: useSession follows it. */
  tokenStore: SessionTokenStore;
  /** Default: createPlatformQueryClient(). */
  queryClient?: QueryClient;
  children: ReactNode;
}

export function PlatformProvider({ client, tokenStore, queryClient: given, children }: PlatformProviderProps) {
  const [ownQueryClient] = useState(createPlatformQueryClient);
  const queryClient = given ?? ownQueryClient;
  const session = useMemo((): SessionContextValue => {
    const watch = createSessionWatch(tokenStore, queryClient);
    return { watch, signOut: () => signOut(client, tokenStore, watch.check) };
  }, [client, tokenStore, queryClient]);
  useEffect(() => session.watch.start(), [session]);

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={client} queryClient={queryClient}>
        <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/**
 * Ends the session on the server and forgets it here. A sign-out the server did not get (network,
 * 503, 429) rejects with why and keeps the session, here and in the client: it is still live on
 * the server (and, in cookie mode, in its HttpOnly cookie, which a reload would resume), so the
 * app says so and the user can try again. A session the server had already ended (UNAUTHORIZED)
 * is a sign-out that worked.
 */
async function signOut(client: IdentityClient, tokenStore: SessionTokenStore, afterwards: () => void) {
  try {
    try {
      await client.auth.signOut.mutate();
    } catch (error) {
      if (!isIdentityError(error) || error.data.code !== "UNAUTHORIZED") throw error;
    }
    // the client's link has forgotten it already; this covers a client made with another store
    if (tokenStore.get() !== null) tokenStore.set(null);
  } finally {
    afterwards();
  }
}
