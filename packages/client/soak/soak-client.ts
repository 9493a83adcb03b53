// One soak client: a user of its own, looping until the deadline through the typed client
// (@platform/client) as an app would: sign in, auth.me, auth.sessions.list, refresh, auth.me with
// the new token, sign out. Every answer is checked; anything else is an unexpected outcome. The
// tokens of each signed-out session (both access tokens, the spent refresh token and the last one)
// are kept, to be retried once the load is over: each must be refused then.
import { createClient, createMemoryTokenStore, type IdentityClient, type StoredSession } from "../src/index.js";
import type { TrafficLog } from "./traffic-log.js";

export interface SoakUser {
  id: string;
  email: string;
  password: string;
  /** The client IP it calls from (X-Forwarded-For, believed from the loopback proxy). */
  ip: string;
}

export interface RevokedTokens {
  accessTokens: string[];
  refreshTokens: string[];
}

export interface ClientRun {
  loops: number;
  revoked: RevokedTokens;
}

export async function runSoakClient(
  index: number,
  user: SoakUser,
  trpcUrl: string,
  deadline: number,
  traffic: TrafficLog,
): Promise<ClientRun> {
  const store = createMemoryTokenStore();
  const api: IdentityClient = createClient({
    url: trpcUrl,
    tokenStore: store,
    headers: { "x-forwarded-for": user.ip },
    fetch: traffic.countingFetch(),
    onSessionEnd: () => {
      traffic.recordUnexpected({ client: index, step: "session", message: "the session ended by itself" });
    },
  });
  const revoked: RevokedTokens = { accessTokens: [], refreshTokens: [] };
  let loops = 0;

  /** Runs one step; false (and recorded) when it throws or its answer is wrong. */
  async function step(name: string, run: () => Promise<string | undefined>): Promise<boolean> {
    try {
      const wrong = await run();
      if (wrong === undefined) return true;
      traffic.recordUnexpected({ client: index, step: name, message: `wrong answer: ${wrong}` });
    } catch (error) {
      traffic.recordUnexpected({ client: index, step: name, message: (error as Error).message });
    }
    return false;
  }
  const current = (): StoredSession | null => store.get();

  while (Date.now() < deadline) {
    const signedIn = await step("auth.signIn", async () => {
      const { user: signedInAs } = await api.auth.signIn.mutate({ email: user.email, password: user.password });
      return signedInAs.id === user.id ? undefined : `signed in as ${signedInAs.id}`;
    });
    if (!signedIn) continue;
    const first = current();
    const isWholeLoop =
      (await step("auth.me", async () => {
        const me = await api.auth.me.query();
        return me.id === user.id ? undefined : `auth.me is ${me.id}`;
      })) &&
      (await step("auth.sessions.list", async () => {
        const sessions = await api.auth.sessions.list.query();
        const isOnlyCurrent = sessions.length === 1 && sessions[0]?.isCurrent === true;
        return isOnlyCurrent ? undefined : `${sessions.length} sessions listed, expected this one alone`;
      })) &&
      (await step("auth.refresh", async () => {
        const refreshed = await api.auth.refresh.mutate({ refreshToken: first?.refreshToken ?? "" });
        return refreshed.refreshToken !== first?.refreshToken ? undefined : "the refresh token did not change";
      })) &&
      (await step("auth.me (refreshed)", async () => {
        const me = await api.auth.me.query();
        return me.id === user.id ? undefined : `auth.me is ${me.id}`;
      }));
    const last = current();
    const signedOut = await step("auth.signOut", async () => {
      await api.auth.signOut.mutate();
      return undefined;
    });
    if (signedOut && first && last) {
      revoked.accessTokens.push(first.token, ...(last.token === first.token ? [] : [last.token]));
      // body mode (the soak's client is Node's): both sessions hold a refresh token
      for (const refreshToken of new Set([first.refreshToken, last.refreshToken])) {
        if (refreshToken) revoked.refreshTokens.push(refreshToken);
      }
    }
    if (isWholeLoop && signedOut) loops++;
  }
  return { loops, revoked };
}
