// A tRPC link that keeps the client's session:
//  - stores the tokens returned by sign-in, sign-up and refresh, and forgets them on sign-out;
//  - when a call is refused for want of a live session (UNAUTHORIZED with data.reason "session":
//    typically an expired access token; never a wrong password) and tokens are stored, refreshes
//    once and retries the call once. Concurrent calls share a single refresh, and a call that
//    failed with a token that has since been replaced just retries. Sign-out goes the same way,
//    so an idle client's sign-out still ends the session on the server;
//  - when the server refuses the refresh (UNAUTHORIZED), the session is gone: the store is
//    cleared, `onSessionEnd` is called once, and the call fails with its original error. Any
//    other refresh failure (network, 503, 429) keeps the session and fails the call with the
//    refresh's error. An aborted call settles at once, even while a refresh is pending.
import type { AppRouter } from "@platform/api";
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable, type Unsubscribable } from "@trpc/server/observable";

import type { StoredSession, TokenStore } from "./token-store.js";

const issuingPaths = new Set(["auth.signIn", "auth.signUp", "auth.refresh"]);

export interface SessionLinkOptions {
  store: TokenStore;
  /** Exchanges a refresh token for new tokens (a call that does not go through this link). */
  refresh: (refreshToken: string) => Promise<StoredSession>;
  onSessionEnd?: () => void;
}

function readSession(data: unknown): StoredSession | null {
  const { token, refreshToken } = (data ?? {}) as { token?: unknown; refreshToken?: unknown };
  return typeof token === "string" && typeof refreshToken === "string" ? { token, refreshToken } : null;
}

/** `error.data` as the server sends it (the router's error shape): the wire vocabulary, typed. */
const errorData = (error: unknown) =>
  error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data : undefined;
const needsSession = (error: unknown) => {
  const data = errorData(error);
  return data?.code === "UNAUTHORIZED" && data.reason === "session";
};

export function sessionLink({ store, refresh, onSessionEnd }: SessionLinkOptions): TRPCLink<AppRouter> {
  /** What a refresh came to: renewed, the session is gone, or it failed for another reason. */
  type Renewal = { status: "renewed" } | { status: "ended" } | { status: "failed"; error: unknown };
  let refreshing: Promise<Renewal> | null = null;

  function renew(failedToken: string | undefined): Promise<Renewal> {
    const current = store.get();
    if (!current) return Promise.resolve({ status: "ended" });
    if (current.token !== failedToken) return Promise.resolve({ status: "renewed" }); // someone already did
    refreshing ??= refresh(current.refreshToken)
      .then((session): Renewal => {
        store.set(session);
        return { status: "renewed" };
      })
      .catch((error: unknown): Renewal => {
        // the server is away (network, 503, 429), not the session: keep it for the next try
        if (errorData(error)?.code !== "UNAUTHORIZED") return { status: "failed", error };
        store.set(null);
        onSessionEnd?.();
        return { status: "ended" };
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
              if (issuingPaths.has(op.path)) {
                const session = readSession("data" in envelope.result ? envelope.result.data : undefined);
                if (session) store.set(session);
              }
              if (op.path === "auth.signOut") store.set(null);
              observer.next(envelope);
            },
            error(error) {
              if (!isRetry && !issuingPaths.has(op.path) && needsSession(error) && store.get()) {
                void renew(tokenUsed).then((renewal) => {
                  if (isCancelled) return;
                  if (renewal.status === "renewed") run(true);
                  // a failed refresh fails the call with its own error (e.g. 503), so that a
                  // sign-out during an outage does not look like it worked
                  else
                    observer.error(renewal.status === "failed" ? TRPCClientError.from(renewal.error as Error) : error);
                });
                return;
              }
              if (op.path === "auth.signOut") store.set(null);
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
