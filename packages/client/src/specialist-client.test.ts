// One client setup for two services, over real HTTP: the identity (useTestServer) and the notes
// app beside it (useNotesTestServer), both in this process on the identity harness's clock, so a
// test expires access tokens by moving h.clock. One sign-in, one token store; a refresh only ever
// goes to the identity, once for concurrent refusals from either service.
import { credentialsOf, useTestServer } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { useNotesTestServer } from "@platform/notes/testing";
import { describe, expect, it, vi } from "vitest";

import {
  createClient,
  createMemoryTokenStore,
  createNotesClient,
  type IdentityClient,
  type NotesRouterOutputs,
} from "./index.js";

const api = useTestServer();
const notesServer = useNotesTestServer(api);
const { h } = api;
const sixteenMinutes = 16 * 60 * 1000;
/** How long a revocation may take to reach notes through the registry's change feed (asserted bound). */
const propagation = { timeout: 2_000, interval: 20 };

/** The URL a fetch is for, whichever form it was given in. */
const urlOf = (input: string | URL | Request) => (input instanceof Request ? input.url : input.toString());

/** A fetch that records the procedures each request named (batched or not). */
function recordingFetch() {
  const procedures: string[] = [];
  const recording: typeof fetch = (input, init) => {
    const path = new URL(urlOf(input)).pathname.replace(/^.*\/trpc\//, "");
    procedures.push(...path.split(","));
    return fetch(input, init);
  };
  return { fetch: recording, procedures };
}

describe("createNotesClient on an identity client's session", () => {
  it("one sign-in on the identity: notes accepts the stored token at once; sign-out forgets it for both", async () => {
    const carol = await h.createUser();
    const tokenStore = createMemoryTokenStore();
    const identity = createClient({ url: api.url, tokenStore });
    const notes = createNotesClient({ url: notesServer.url, identity });
    expect(await codeOf(notes.notes.list.query())).toBe("UNAUTHORIZED");

    await identity.auth.signIn.mutate(credentialsOf(carol));
    const note: NotesRouterOutputs["notes"]["create"] = await notes.notes.create.mutate({ text: "first" });
    expect(note).toMatchObject({ userId: carol.id, text: "first" });
    expect(note.createdAt).toBeInstanceOf(Date); // superjson, as on the identity
    expect(await notes.notes.list.query()).toEqual([note]);
    expect(await codeOf(notes.notes.listAll.query())).toBe("FORBIDDEN");

    await identity.auth.signOut.mutate();
    expect(tokenStore.get()).toBeNull();
    expect(await codeOf(notes.notes.list.query())).toBe("UNAUTHORIZED");
  });

  it("an expired access token is refreshed once, by the identity, for concurrent calls to both services", async () => {
    const carol = await h.createUser();
    const tokenStore = createMemoryTokenStore();
    const identityTraffic = recordingFetch();
    const notesTraffic = recordingFetch();
    const identity = createClient({ url: api.url, tokenStore, fetch: identityTraffic.fetch });
    const notes = createNotesClient({ url: notesServer.url, identity, fetch: notesTraffic.fetch });
    await identity.auth.signIn.mutate(credentialsOf(carol));
    const before = tokenStore.get();

    h.clock.advance(sixteenMinutes);
    const [listed, created, me] = await Promise.all([
      notes.notes.list.query(),
      notes.notes.create.mutate({ text: "after the refresh" }),
      identity.auth.me.query(),
    ]);
    expect(listed).toEqual([]);
    expect(created.userId).toBe(carol.id);
    expect(me.id).toBe(carol.id);

    expect(tokenStore.get()?.token).not.toBe(before?.token);
    expect(identityTraffic.procedures.filter((path) => path === "auth.refresh")).toHaveLength(1);
    expect(notesTraffic.procedures.every((path) => path.startsWith("notes."))).toBe(true); // no token goes elsewhere
    const session = await h.deps.prisma.session.findUniqueOrThrow({
      where: { id: h.sessionIdOf(before?.refreshToken ?? "") },
    });
    expect(session.refreshGeneration).toBe(1);
  });

  it("a session revoked on the identity ends for every client at once: store cleared, onSessionEnd once", async () => {
    const [carol, admin] = await Promise.all([h.createUser(), h.createSignedInUser({ roles: ["admin"] })]);
    const tokenStore = createMemoryTokenStore();
    let sessionEnds = 0;
    const identity = createClient({ url: api.url, tokenStore, onSessionEnd: () => sessionEnds++ });
    const notes = createNotesClient({ url: notesServer.url, identity });
    await identity.auth.signIn.mutate(credentialsOf(carol));
    await notes.notes.list.query();

    await h.caller(admin.token).users.revokeSessions({ id: carol.id });
    await vi.waitFor(() => expect(codeOf(notes.notes.list.query())).resolves.toBe("UNAUTHORIZED"), propagation);
    expect(tokenStore.get()).toBeNull();
    expect(sessionEnds).toBe(1);
    expect(await codeOf(identity.auth.me.query())).toBe("UNAUTHORIZED");
    expect(sessionEnds).toBe(1);
  });

  it("needs an identity client made by createClient (whose session it shares)", () => {
    const notAnIdentityClient = {} as IdentityClient;
    expect(() => createNotesClient({ url: notesServer.url, identity: notAnIdentityClient })).toThrow(
      /made by createClient/,
    );
  });
});
