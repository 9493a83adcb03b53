// What PlatformProvider shares with useSession: the session watch and the sign-out path.
import { createContext, useContext } from "react";

import type { SessionWatch } from "./session-watch.js";

export interface SessionContextValue {
  watch: SessionWatch;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession must be used inside <PlatformProvider>");
  return value;
}
