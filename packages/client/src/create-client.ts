import type { MaxBatchSize } from "@platform/api";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

import { createMemoryDeviceTokenStore, deviceLink, type DeviceTokenStore } from "./device-link.js";
import type { AppRouter } from "./router-types.js";
import {
  createSessionKeeper,
  type RefreshInput,
  type RefreshTokenIn,
  type SessionKeeper,
  sessionLink,
} from "./session-link.js";
import { createMemoryTokenStore, type TokenStore } from "./token-store.js";
import { transportErrorLink } from "./transport-errors.js";

export interface ClientOptions {
  /** The tRPC endpoint, e.g. http://127.0.0.1:3001/trpc */
  url: string;
  /** Where the tokens are kept; in memory by default. */
  tokenStore?: TokenStore;
  /**
   * Where the device tokens of this client's sign-ins are kept (by account), so that its next
   * sign-in is a known device's; in memory by default. Keep it apart from `tokenStore`: it
   * outlives sign-out.
   */
  deviceTokenStore?: DeviceTokenStore;
  /** Called once when the session has ended (refresh refused: signed out elsewhere, revoked, expired). */
  onSessionEnd?: () => void;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /**
   * Where the refresh token travels. "body" (default): returned by sign-in and kept in the token
   * store with the access token; any client, and a server with its default configuration.
   * "cookie" (browsers, against a server with REFRESH_COOKIE=on): the server keeps it in an
   * HttpOnly cookie that scripts cannot read; the store holds the access token only, every request
   * is sent with the browser's cookies, and a page load calls resumeSession(client).
   */
  refreshTokenIn?: RefreshTokenIn;
}

export type IdentityClient = TRPCClient<AppRouter>;

/**
 * The most calls one request batches: the server's limit (a larger batch is refused with 400).
 * Written out because only types come from the server package; typed as the server's constant,
 * so if the server's limit changes this line stops compiling until it says the same.
 */
export const maxBatchSize: MaxBatchSize = 10;

/**
 * A typed client: calls are checked against the server's router at compile time. The tokens from
 * `auth.signIn` / `auth.signUp` are kept; the access token is sent as `authorization: Bearer ...`
 * and refreshed transparently when it expires; `auth.signOut` forgets them. Each sign-in sends
 * the device token of the account's last sign-in from this client (see device-link.ts).
 */
export function createClient(options: ClientOptions): IdentityClient {
  const tokenStore = options.tokenStore ?? createMemoryTokenStore();
  const refreshTokenIn = options.refreshTokenIn ?? "body";
  const fetchOption =
    refreshTokenIn === "cookie" ? { fetch: withCookies(options.fetch) } : fetchOrDefault(options.fetch);
  // in cookie mode the header asks the server to answer the refresh token as a cookie, not in the body
  const modeHeaders = refreshTokenIn === "cookie" ? { "x-refresh-token": "cookie" } : {};
  const transport = (withToken: boolean) =>
    httpBatchLink({
      url: options.url,
      transformer: superjson,
      maxItems: maxBatchSize,
      ...fetchOption,
      headers() {
        const token = withToken ? tokenStore.get()?.token : undefined;
        return { ...options.headers, ...modeHeaders, ...(token ? { authorization: `Bearer ${token}` } : {}) };
      },
    });
  // refreshes go around the session link (and carry no access token); resumeSession's errors read
  // as clearly as a call's
  const refresher = createTRPCClient<AppRouter>({ links: [transportErrorLink(options.url), transport(false)] });
  const keeper = createSessionKeeper({
    store: tokenStore,
    refreshTokenIn,
    refresh: (input: RefreshInput) => refresher.auth.refresh.mutate(input),
    ...(options.onSessionEnd ? { onSessionEnd: options.onSessionEnd } : {}),
  });

  const client = createTRPCClient<AppRouter>({
    links: [
      // outermost: a failed refresh's transport error reads as clearly as the call's own
      transportErrorLink(options.url),
      deviceLink(options.deviceTokenStore ?? createMemoryDeviceTokenStore()),
      sessionLink(keeper),
      transport(true),
    ],
  });
  sessionKeepers.set(client, keeper);
  return client;
}

/** The fetch option as given: none means tRPC's default, the global fetch. */
const fetchOrDefault = (given: typeof fetch | undefined) => (given ? { fetch: given } : {});

/**
 * Cookie mode: every request carries the browser's cookies, the refresh cookie included, even to
 * an API on another origin (which must allow credentials for this origin: CORS_ORIGIN).
 */
function withCookies(given: typeof fetch | undefined): typeof fetch {
  // the global fetch is looked up per call, as tRPC does: a test or polyfill may install it later
  return (input, init) => (given ?? globalThis.fetch)(input, { ...init, credentials: "include" });
}

/** The session of each client createClient made, for the specialists' clients that share it. */
const sessionKeepers = new WeakMap<IdentityClient, SessionKeeper>();

/** The session an identity client keeps; throws for a client createClient did not make. */
export function sessionKeeperOf(identity: IdentityClient): SessionKeeper {
  const keeper = sessionKeepers.get(identity);
  if (!keeper) throw new TypeError("`identity` must be a client made by createClient: its session is shared");
  return keeper;
}
