// A tRPC link that keeps the client's session:
//  - stores the tokens returned by sign-in, sign-up and refresh, and forgets them on sign-out;
//  - when a call is refused for want of a live session (UNAUTHORIZED with data.reason "session":
//    typically an expired access token; never a wrong password) and tokens are stored, refreshes
//    once and retries the call once. Concurrent calls share a single refresh, and a call that
//    failed with a token that has since been replaced just retries. Sign-out goes the same way,
//    so an idle client's sign-out still ends the session on the server;
//  - when the server refuses the refresh (UNAUTHORIZED), the session is gone: the store is
//    cleared, `onSessionEnd` is called once, and the call fails with its original error. Any
//    other refresh failure (network, 503, 429) keeps the session and fails the call.
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import type { AppRouter } from "@platform/api";
import type { StoredSession, TokenStore } from "./token-store.js";

const issuingPaths = new Set(["auth.signIn", "auth.signUp", "auth.refresh"]);

export interface SessionLinkOptions {
  store: TokenStore;
  /** Exchanges a refresh token for new tokens (a call that does not go through this link). */
  refresh(refreshToken: string): Promise<StoredSession>;
  onSessionEnd?: () => void;
}

function readSession(data: unknown): StoredSession | null {
  const { token, refreshToken } = (data ?? {}) as { token?: unknown; refreshToken?: unknown };
  return typeof token === "string" && typeof refreshToken === "string" ? { token, refreshToken } : null;
}

const errorData = (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string; reason?: string } | undefined) : undefined);
const needsSession = (error: unknown) => errorData(error)?.code === "UNAUTHORIZED" && errorData(error)?.reason === "session";

export function sessionLink({ store, refresh, onSessionEnd }: SessionLinkOptions): TRPCLink<AppRouter> {
  let refreshing: Promise<boolean> | null = null;

  /** True when the store holds a newer access token than `failedToken` afterwards. */
  function renew(failedToken: string | undefined): Promise<boolean> {
    const current = store.get();
    if (!current) return Promise.resolve(false);
    if (current.token !== failedToken) return Promise.resolve(true); // someone already renewed it
    refreshing ??= refresh(current.refreshToken)
      .then((session) => {
        store.set(session);
        return true;
      })
      .catch((error: unknown) => {
        if (errorData(error)?.code !== "UNAUTHORIZED") return false; // the server is away, not the session
        store.set(null);
        onSessionEnd?.();
        return false;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let isCancelled = false;
        const run = (isRetry: boolean) => {
          if (isCancelled) return; // the caller gave up while we were refreshing
          const tokenUsed = store.get()?.token;
          subscription = next(op).subscribe({
            next(envelope) {
              if (issuingPaths.has(op.path)) {
                const session = readSession("data" in envelope.result ? envelope.result.data : undefined);
                if (session) store.set(session);
              }
              if (op.path === "auth.signOut") store.set(null);
              observer.next(envelope);
            },
            error(error) {
              if (!isRetry && !issuingPaths.has(op.path) && needsSession(error) && store.get()) {
                void renew(tokenUsed).then((isRenewed) => (isRenewed ? run(true) : observer.error(error)));
                return;
              }
              if (op.path === "auth.signOut") store.set(null);
              observer.error(error);
            },
            complete: () => observer.complete(),
          });
        };
        run(false);
        return () => {
          isCancelled = true;
          subscription?.unsubscribe();
        };
      });
}
