// A tRPC link that keeps the client a known device: it remembers the `deviceToken` each sign-in or
// sign-up returns, per account, and sends it with the next `auth.signIn` of that account. A
// known device signs in on a back-off budget of its own, so strangers who spend the account's
// budget with wrong passwords cannot lock this client out (README: "Strangers cannot lock the
// owner out of a known device"). The token grants nothing alone: the password is still checked.
// It must outlive sign-out (a sign-out does not make the device a stranger), so it is kept apart
// from the session's tokens; pass a persistent store to keep it across restarts.
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";

import type { AppRouter } from "./router-types.js";

/** Where the client keeps its device tokens, by account (the email as the server normalises it). */
export interface DeviceTokenStore {
  get(email: string): string | null;
  set(email: string, deviceToken: string): void;
}

export function createMemoryDeviceTokenStore(): DeviceTokenStore {
  const tokens = new Map<string, string>();
  return {
    get: (email) => tokens.get(email) ?? null,
    set: (email, deviceToken) => {
      tokens.set(email, deviceToken);
    },
  };
}

const issuingPaths = new Set(["auth.signIn", "auth.signUp"]);
/** The account an input names, as the server's email schema normalises it. */
const accountOf = (input: unknown) => {
  const { email } = (input ?? {}) as { email?: unknown };
  return typeof email === "string" ? email.trim().toLowerCase() : null;
};

export function deviceLink(store: DeviceTokenStore): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) => {
      const account = issuingPaths.has(op.path) ? accountOf(op.input) : null;
      if (!account) return next(op);
      const input = op.input as Record<string, unknown>;
      const remembered = op.path === "auth.signIn" && input.deviceToken === undefined ? store.get(account) : null;
      const sent = remembered ? { ...op, input: { ...input, deviceToken: remembered } } : op;
      return observable((observer) =>
        next(sent).subscribe({
          next(envelope) {
            const data = "data" in envelope.result ? envelope.result.data : undefined;
            const { deviceToken } = (data ?? {}) as { deviceToken?: unknown };
            if (typeof deviceToken === "string") store.set(account, deviceToken);
            observer.next(envelope);
          },
          error: (error) => {
            observer.error(error);
          },
          complete: () => {
            observer.complete();
          },
        }),
      );
    };
}
