// The client's session, kept across every service of the platform:
//  - a SessionKeeper holds the tokens (the TokenStore) and renews them: when a call is refused for
//    want of a live session (UNAUTHORIZED with data.reason "session": typically an expired access
//    token; never a wrong password) and tokens are stored, it refreshes once, always with the
//    identity service (`auth.refresh`). Concurrent calls share a single refresh, whichever service
//    they went to, and a call that failed with a token that has since been replaced just retries.
//    When the identity refuses the refresh (UNAUTHORIZED), the session is gone: the store is
//    cleared and `onSessionEnd` is called once. Any other refresh failure (network, 503, 429)
//    keeps the session and fails the call with the refresh's error. The refresh token travels in
//    the body (stored with the access token), or in cookie mode as the browser's HttpOnly cookie:
//    then the store holds the access token only and a refresh sends `{}`;
//    A refresh that answers after the store changed (signed out, here or in another tab, or signed
//    in again) leaves the store alone: it must not bring back a session that was signed out;
//  - a sessionLink, one per service's client, retries a call once after a renewal. On the identity's
//    client it also stores the tokens returned by sign-in, sign-up and refresh, and forgets them on
//    sign-out (which goes the same way, so an idle client's sign-out still ends the session on the
//    server). A sign-out that did not reach the server (network, 503, 429) keeps them and fails:
//    the session is still live there, and in cookie mode only the server can clear the HttpOnly
//    refresh cookie, so a session forgotten here would come back on the next page load. Only
//    UNAUTHORIZED (the session was already gone) forgets them too. An aborted call settles at
//    once, even while a refresh is pending.
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";

import { isIdentityError } from "./identity-error.js";
import type { AppRouter } from "./router-types.js";
import type { StoredSession, TokenStore } from "./token-store.js";

const issuingPaths = new Set(["auth.signIn", "auth.signUp", "auth.refresh"]);

/** Where the refresh token travels: in request bodies (any client), or in an HttpOnly cookie (browsers). */
export type RefreshTokenIn = "body" | "cookie";

/** The input of auth.refresh: the stored refresh token, or none (cookie mode: the server reads its cookie). */
export interface RefreshInput {
  refreshToken?: string;
}

export interface SessionKeeperOptions {
  store: TokenStore;
  /** "body" by default. */
  refreshTokenIn?: RefreshTokenIn;
  /** Calls auth.refresh (a call that does not go through this link) and resolves with its output. */
  refresh: (input: RefreshInput) => Promise<unknown>;
  onSessionEnd?: () => void;
}

/**
 * The session in the output of a sign-in, sign-up or refresh, as this mode keeps it (null: none).
 * In cookie mode only the access token: the refresh token stays out of scripts' reach, even when a
 * server without the cookie (REFRESH_COOKIE=off) answers one in the body.
 */
function readSession(data: unknown, refreshTokenIn: RefreshTokenIn): StoredSession | null {
  const { token, refreshToken } = (data ?? {}) as { token?: unknown; refreshToken?: unknown };
  if (typeof token !== "string") return null;
  if (refreshTokenIn === "cookie") return { token };
  return typeof refreshToken === "string" ? { token, refreshToken } : null;
}

/**
 * Refused for want of a live session. Every app of the platform formats errors with the same
 * function (@platform/auth), so isIdentityError reads a specialist's errors too.
 */
const needsSession = (error: unknown) =>
  isIdentityError(error) && error.data.code === "UNAUTHORIZED" && error.data.reason === "session";

/** The server refused the caller's session: it has ended (or never was). */
const isGone = (error: unknown) => isIdentityError(error) && error.data.code === "UNAUTHORIZED";

/** What a refresh came to: renewed, the session is gone, or it failed for another reason. */
type Renewal = { status: "renewed" } | { status: "ended" } | { status: "failed"; error: unknown };

/** The session one client setup shares between the identity's client and its specialists' clients. */
export interface SessionKeeper {
  readonly store: TokenStore;
  readonly refreshTokenIn: RefreshTokenIn;
  /** Renews the session after a call failed with `failedToken`: one refresh at a time, for every service. */
  renew(failedToken: string | undefined): Promise<Renewal>;
  /**
   * Whether there is a session to go on with (on page load). Cookie mode: asks the server, which
   * reads its refresh cookie, and stores the access token it answers; a refused refresh clears the
   * store. Body mode: whether the store holds a session. Other failures (network, 503) reject.
   */
  resume(): Promise<boolean>;
  /** The session in a sign-in's, sign-up's or refresh's output, as this keeper stores it. */
  readSession(data: unknown): StoredSession | null;
}

export function createSessionKeeper({
  store,
  refreshTokenIn = "body",
  refresh,
  onSessionEnd,
}: SessionKeeperOptions): SessionKeeper {
  let refreshing: Promise<Renewal> | null = null;

  /** The session is over: forget it, and say so if there was one to lose (not on a page load's resume). */
  function end(): Renewal {
    const hadSession = store.get() !== null;
    store.set(null);
    if (hadSession) onSessionEnd?.();
    return { status: "ended" };
  }

  /** Whether the store still holds `current` (for a resume from an empty store: is still empty). */
  function stillHolds(current: StoredSession | null): boolean {
    const now = store.get();
    return now === current || (now !== null && now.token === current?.token);
  }

  /**
   * What a refresh that answered after the store changed comes to: ended if it was signed out
   * meanwhile (here or in another tab; whoever did it has said so), renewed if another session is
   * there now (a sign-in or another client's refresh: a waiting call retries with it).
   */
  const overtaken = (): Renewal => (store.get() === null ? { status: "ended" } : { status: "renewed" });

  async function refreshFrom(current: StoredSession | null): Promise<Renewal> {
    // in body mode a session without a refresh token (a custom store's) cannot be renewed
    const input =
      refreshTokenIn === "cookie" ? {} : current?.refreshToken ? { refreshToken: current.refreshToken } : null;
    if (!input) return end();
    try {
      const session = readSession(await refresh(input), refreshTokenIn);
      if (!session) return { status: "failed", error: new Error("auth.refresh answered without a session") };
      if (!stillHolds(current)) return overtaken(); // never bring back a session signed out meanwhile
      store.set(session);
      return { status: "renewed" };
    } catch (error) {
      // the server is away (network, 503, 429), not the session: keep it for the next try
      if (!isGone(error)) return { status: "failed", error };
      return stillHolds(current) ? end() : overtaken();
    }
  }

  /** One refresh at a time, whoever asks: two refreshes of one token would look like a stolen one. */
  function refreshOnce(current: StoredSession | null): Promise<Renewal> {
    refreshing ??= refreshFrom(current).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  function renew(failedToken: string | undefined): Promise<Renewal> {
    const current = store.get();
    if (!current) return Promise.resolve({ status: "ended" });
    if (current.token !== failedToken) return Promise.resolve({ status: "renewed" }); // someone already did
    return refreshOnce(current);
  }

  async function resume(): Promise<boolean> {
    if (refreshTokenIn === "body") return store.get() !== null;
    const renewal = await refreshOnce(store.get());
    if (renewal.status === "failed") throw renewal.error;
    return renewal.status === "renewed";
  }

  return { store, refreshTokenIn, renew, resume, readSession: (data) => readSession(data, refreshTokenIn) };
}

export interface SessionLinkRole {
  /** The identity's client: keeps the tokens that sign-in, sign-up and refresh return, forgets them on sign-out. */
  isIdentity: boolean;
}

export function sessionLink<TRouter extends AnyTRPCRouter = AppRouter>(
  keeper: SessionKeeper,
  { isIdentity }: SessionLinkRole = { isIdentity: true },
): TRPCLink<TRouter> {
  const { store } = keeper;
  const issuesTokens = (path: string) => isIdentity && issuingPaths.has(path);
  const endsSession = (path: string) => isIdentity && path === "auth.signOut";

  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let isCancelled = false;
        // an aborted call settles at once, even while a refresh is pending
        const onAbort = () => {
          isCancelled = true;
          subscription?.unsubscribe();
          observer.error(TRPCClientError.from(new Error("The call was aborted")));
        };
        op.signal?.addEventListener("abort", onAbort, { once: true });
        const run = (isRetry: boolean) => {
          if (isCancelled) return; // the caller gave up while we were refreshing
          const tokenUsed = store.get()?.token;
          subscription = next(op).subscribe({
            next(envelope) {
              if (issuesTokens(op.path)) {
                const session = keeper.readSession("data" in envelope.result ? envelope.result.data : undefined);
                if (session) store.set(session);
              }
              if (endsSession(op.path)) store.set(null);
              observer.next(envelope);
            },
            error(error) {
              if (!isRetry && !issuesTokens(op.path) && needsSession(error) && store.get()) {
                void keeper.renew(tokenUsed).then((renewal) => {
                  if (isCancelled) return;
                  if (renewal.status === "renewed") run(true);
                  // a failed refresh fails the call with its own error (e.g. 503), so that a
                  // sign-out during an outage does not look like it worked
                  else
                    observer.error(renewal.status === "failed" ? TRPCClientError.from(renewal.error as Error) : error);
                });
                return;
              }
              // forget the session only when the server says it is gone: a sign-out that did not
              // reach it (network, 503, 429) leaves it live there, and in its cookie
              if (endsSession(op.path) && isGone(error)) store.set(null);
              observer.error(error);
            },
            complete: () => {
              observer.complete();
            },
          });
        };
        run(false);
        return () => {
          isCancelled = true;
          op.signal?.removeEventListener("abort", onAbort);
          subscription?.unsubscribe();
        };
      });
}
