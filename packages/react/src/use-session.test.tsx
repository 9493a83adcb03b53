// useSession and the query cache over real HTTP, against a real API (useTestServer), with the
// client a browser app uses. Each behaviour is checked with both kinds of token store: one that
// tells of its changes (as the client's browser store does) and today's memory store, which
// cannot (session-watch.ts reads it again after every call of the QueryClient).
import { useTestServer } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { createClient, createMemoryTokenStore, type StoredSession } from "@platform/client";
import { type QueryClient, useMutation } from "@tanstack/react-query";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";

import { createPlatformQueryClient, PlatformProvider, type SessionTokenStore, useSession, useTRPC } from "./index.js";

const api = useTestServer();
const { h } = api;
afterEach(cleanup); // Testing Library unmounts by itself only where vitest's globals are on

/** A memory store that tells its listeners of every change, as the client's stores do. */
function createSubscribingStore(): SessionTokenStore {
  const store = createMemoryTokenStore();
  const listeners = new Set<(session: StoredSession | null) => void>();
  return {
    get: () => store.get(),
    set(session) {
      store.set(session);
      for (const listener of listeners) listener(session);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** An app: the provider around a component that reads the session and can sign in. */
function renderApp(tokenStore: SessionTokenStore, fetch?: typeof globalThis.fetch) {
  const client = createClient({ url: api.url, tokenStore, fetch });
  const queryClient = createPlatformQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <PlatformProvider client={client} tokenStore={tokenStore} queryClient={queryClient}>
      {children}
    </PlatformProvider>
  );
  const { result } = renderHook(
    () => {
      const trpc = useTRPC();
      return { session: useSession(), trpc, signIn: useMutation(trpc.auth.signIn.mutationOptions()) };
    },
    { wrapper },
  );
  const signIn = (user: { email: string; password: string }) =>
    act(() => result.current.signIn.mutateAsync({ email: user.email, password: user.password }));
  /** Reads the caller's sessions through the cache (what a page showing them does); the error, if any. */
  const loadSessions = async () => {
    let failure: unknown;
    await act(async () => {
      await queryClient.query(result.current.trpc.auth.sessions.list.queryOptions()).catch((error: unknown) => {
        failure = error;
      });
    });
    return failure;
  };
  return { result, client, queryClient, signIn, loadSessions };
}

/** Signs `user` in with a client of its own (another tab, another browser) and returns its session. */
async function signInElsewhere(user: { email: string; password: string }): Promise<StoredSession> {
  const tokenStore = createMemoryTokenStore();
  await createClient({ url: api.url, tokenStore }).auth.signIn.mutate({ email: user.email, password: user.password });
  const session = tokenStore.get();
  if (!session) throw new Error("sign-in stored no session");
  return session;
}

/** What the API answers a call while Postgres is away. */
const serviceUnavailable = () =>
  new Response(
    JSON.stringify([
      {
        error: {
          json: {
            message: "A backing service is unavailable",
            code: -32603,
            data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 },
          },
        },
      },
    ]),
    { status: 503, headers: { "content-type": "application/json" } },
  );

/** Whether any query in the cache still holds data. */
const holdsData = (queryClient: QueryClient) =>
  queryClient
    .getQueryCache()
    .getAll()
    .some((query) => query.state.data !== undefined);

describe.each([
  ["a store that tells of its changes", createSubscribingStore],
  ["a store that cannot (createMemoryTokenStore)", () => createMemoryTokenStore()],
])("useSession with %s", (_, createStore) => {
  it("goes from signedOut to signedIn with the user from auth.me after sign-in", async () => {
    const user = await h.createUser();
    const { result, signIn } = renderApp(createStore());
    expect(result.current.session.status).toBe("signedOut");

    await signIn(user);
    await waitFor(() => {
      expect(result.current.session.status).toBe("signedIn");
    });
    expect(result.current.session.user).toMatchObject({ id: user.id, email: user.email, roles: ["user"] });
  });

  it("signOut ends the session on the server and clears the query cache", async () => {
    const user = await h.createUser();
    const tokenStore = createStore();
    const { result, queryClient, signIn, loadSessions } = renderApp(tokenStore);
    await signIn(user);
    const session = tokenStore.get();
    await loadSessions();
    expect(holdsData(queryClient)).toBe(true);

    await act(() => result.current.session.signOut());
    expect(result.current.session.status).toBe("signedOut");
    await waitFor(() => {
      expect(holdsData(queryClient)).toBe(false);
    });
    expect(tokenStore.get()).toBeNull();
    const stale = createClient({ url: api.url, tokenStore: createMemoryTokenStore(session) });
    expect(await codeOf(stale.auth.me.query())).toBe("UNAUTHORIZED");
  });

  it("a sign-out the server did not get (503) rejects and stays signedIn, the session kept", async () => {
    const user = await h.createUser();
    const tokenStore = createStore();
    let isServerDown = false;
    const flakyFetch: typeof fetch = (input, init) =>
      isServerDown && (input instanceof Request ? input.url : input.toString()).includes("auth.signOut")
        ? Promise.resolve(serviceUnavailable())
        : fetch(input, init);
    const { result, signIn } = renderApp(tokenStore, flakyFetch);
    await signIn(user);
    await waitFor(() => {
      expect(result.current.session.status).toBe("signedIn");
    });
    const session = tokenStore.get();

    isServerDown = true;
    await act(() => expect(result.current.session.signOut()).rejects.toThrow("A backing service is unavailable"));
    expect(result.current.session.status).toBe("signedIn");
    expect(tokenStore.get()).toStrictEqual(session);
    isServerDown = false; // and trying again works
    await act(() => result.current.session.signOut());
    expect(result.current.session.status).toBe("signedOut");
  });

  it("a session revoked on the server ends in signedOut at the next call, the cache cleared", async () => {
    const [user, admin] = [await h.createUser(), await h.createSignedInUser({ roles: ["admin", "user"] })];
    const { result, queryClient, signIn, loadSessions } = renderApp(createStore());
    await signIn(user);
    await loadSessions();
    await waitFor(() => {
      expect(result.current.session.status).toBe("signedIn");
    });

    await h.caller(admin.token).users.revokeSessions({ id: user.id });
    expect(result.current.session.status).toBe("signedIn"); // nothing has told this app yet
    expect(await loadSessions()).toMatchObject({ data: { code: "UNAUTHORIZED" } }); // the refresh refused too
    await waitFor(() => {
      expect(result.current.session.status).toBe("signedOut");
      expect(holdsData(queryClient)).toBe(false);
    });
  });
});

describe("useSession with a store that tells of its changes", () => {
  it("follows a sign-out made elsewhere (another tab), and clears the cache", async () => {
    const user = await h.createUser();
    const tokenStore = createSubscribingStore();
    const { result, queryClient, signIn, loadSessions } = renderApp(tokenStore);
    await signIn(user);
    await loadSessions();

    act(() => {
      tokenStore.set(null); // what the browser store does when another tab signs out
    });
    expect(result.current.session.status).toBe("signedOut");
    await waitFor(() => {
      expect(holdsData(queryClient)).toBe(false);
    });
  });

  it("follows a switch to another user's session (another tab signed in), and drops what the first one read", async () => {
    const [ann, bob] = [await h.createUser(), await h.createUser()];
    const tokenStore = createSubscribingStore();
    const { result, queryClient, signIn, loadSessions } = renderApp(tokenStore);
    await signIn(ann);
    await loadSessions();
    await waitFor(() => {
      expect(result.current.session.user?.id).toBe(ann.id);
    });
    const annsSessions = result.current.trpc.auth.sessions.list.queryKey();
    expect(queryClient.getQueryData(annsSessions)).toBeDefined();

    const bobsSession = await signInElsewhere(bob);
    act(() => {
      tokenStore.set(bobsSession); // what the browser store does when another tab signs in as someone else
    });
    await waitFor(() => {
      expect(result.current.session.user?.id).toBe(bob.id);
    });
    expect(queryClient.getQueryData(annsSessions)).toBeUndefined();
  });

  it("keeps what was read when the same session's access token is refreshed", async () => {
    const user = await h.createUser();
    const tokenStore = createSubscribingStore();
    const { result, queryClient, signIn, loadSessions } = renderApp(tokenStore);
    await signIn(user);
    await loadSessions();
    await waitFor(() => {
      expect(result.current.session.status).toBe("signedIn");
    });
    const before = tokenStore.get();
    h.clock.advance(2_000); // a later `iat`: the refreshed access token differs from the one it replaces
    const elsewhere = createMemoryTokenStore(before);
    await createClient({ url: api.url, tokenStore: elsewhere }).auth.refresh.mutate({
      refreshToken: before?.refreshToken,
    });
    const refreshed = elsewhere.get();
    expect(refreshed?.token).not.toBe(before?.token);

    act(() => {
      tokenStore.set(refreshed);
    });
    await act(() => new Promise((resolve) => setTimeout(resolve, 50))); // a clear would have run by now
    expect(queryClient.getQueryData(result.current.trpc.auth.sessions.list.queryKey())).toBeDefined();
    expect(result.current.session.user?.id).toBe(user.id);
  });
});
