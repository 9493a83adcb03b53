// A typed client of a specialist app (apps/notes, or any app built on @platform/auth), sharing the
// session of an identity client: one sign-in on the identity, then calls to every service with the
// same tokens. A call a specialist refuses for want of a live session (an expired access token) is
// retried once after a refresh, and the refresh always goes to the identity service: specialists
// never see a refresh token. Concurrent refusals from any of the services share one refresh, and a
// session that has ended (the identity refuses the refresh) ends for every client at once.
//
//   const identity = createClient({ url: "http://127.0.0.1:3001/trpc" });
//   const notes = createSpecialistClient<NotesRouter>({ url: "http://127.0.0.1:3002/trpc", identity });
//   await identity.auth.signIn.mutate({ email, password });
//   await notes.notes.create.mutate({ text: "hello" });
import { createTRPCClient, httpBatchLink, type HTTPBatchLinkOptions, type TRPCClient } from "@trpc/client";
import type { AnyTRPCRouter, inferTRPCClientTypes } from "@trpc/server";
import superjson from "superjson";

import { type IdentityClient, maxBatchSize, sessionKeeperOf } from "./create-client.js";
import type { AppRouter } from "./router-types.js";
import { sessionLink } from "./session-link.js";
import { transportErrorLink } from "./transport-errors.js";

export interface SpecialistClientOptions {
  /** The specialist's tRPC endpoint, e.g. http://127.0.0.1:3002/trpc */
  url: string;
  /** The identity client (from createClient) whose session this client uses and renews. */
  identity: IdentityClient;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

type LinkOptionsOf<TRouter extends AnyTRPCRouter> = HTTPBatchLinkOptions<inferTRPCClientTypes<TRouter>>;

export function createSpecialistClient<TRouter extends AnyTRPCRouter>(
  options: SpecialistClientOptions,
): TRPCClient<TRouter> {
  const keeper = sessionKeeperOf(options.identity);
  const linkOptions = {
    url: options.url,
    // every app of the platform speaks superjson (initAuth), as the identity does
    transformer: superjson,
    maxItems: maxBatchSize,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers() {
      const token = keeper.store.get()?.token;
      return { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    },
  } satisfies LinkOptionsOf<AppRouter>;
  // checked against the identity's router just above: TypeScript cannot resolve tRPC's conditional
  // option type for a router given as a type parameter, though every platform router has the same
  const transport = httpBatchLink<TRouter>(linkOptions as unknown as LinkOptionsOf<TRouter>);
  return createTRPCClient<TRouter>({
    links: [transportErrorLink<TRouter>(options.url), sessionLink<TRouter>(keeper, { isIdentity: false }), transport],
  });
}
