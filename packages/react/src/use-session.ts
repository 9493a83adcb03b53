// The signed-in user, or not: from the token store (is there a session?) and `auth.me` (whose, with
// which roles now). While the client holds tokens whose user is not known yet, "loading".
import type { RouterOutputs } from "@platform/client";
import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { useSessionContext } from "./session-context.js";
import { useTRPC } from "./trpc-context.js";

/** The caller as `auth.me` returns them: id, email, name, roles (as authorized now), createdAt. */
export type SessionUser = RouterOutputs["auth"]["me"];

export type Session =
  | { status: "signedOut"; user?: undefined; error?: undefined; signOut: () => Promise<void> }
  /** Tokens are held, the user is being read; `error` when that read failed (network, 5xx) and is retried. */
  | { status: "loading"; user?: undefined; error?: unknown; signOut: () => Promise<void> }
  | { status: "signedIn"; user: SessionUser; error?: undefined; signOut: () => Promise<void> };

export function useSession(): Session {
  const { watch, signOut } = useSessionContext();
  const trpc = useTRPC();
  // read again whenever the session changes, to another or to none (useSyncExternalStore compares
  // the number, which changes even when hasSession stays true)
  useSyncExternalStore(watch.subscribe, watch.sessionNumber, watch.sessionNumber);
  const hasSession = watch.hasSession();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), enabled: hasSession });

  if (!hasSession) return { status: "signedOut", signOut };
  if (me.data) return { status: "signedIn", user: me.data, signOut };
  return { status: "loading", error: me.error ?? undefined, signOut };
}
