// A tRPC link that keeps the token store in step with the session: it stores the token returned
// by sign-in and forgets it after sign-out. The transport link reads the store for each request.
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { AppRouter } from "@platform/api";
import type { TokenStore } from "./token-store.js";

const signInPaths = new Set(["auth.signIn", "auth.signUp"]);

function readToken(data: unknown): string | null {
  const token = (data as { token?: unknown } | null)?.token;
  return typeof token === "string" ? token : null;
}

export function sessionLink(store: TokenStore): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
          next(envelope) {
            const data = "data" in envelope.result ? envelope.result.data : undefined;
            if (signInPaths.has(op.path)) {
              const token = readToken(data);
              if (token) store.set(token);
            } else if (op.path === "auth.signOut") {
              store.set(null);
            }
            observer.next(envelope);
          },
          error: (error) => observer.error(error),
          complete: () => observer.complete(),
        }),
      );
}
