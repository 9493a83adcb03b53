// The notes app over real HTTP, beside a test identity over real HTTP: the probes, the headers
// every response carries, and tRPC calls through @trpc/client (superjson, the platform's error
// shapes), with a token the identity issued.
import { createSilentLogger } from "@platform/api/server-kit";
import { testJwtSecret, useTestServer } from "@platform/api/testing";
import { forgeAccessToken } from "@platform/auth/testing";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { describe, expect, it } from "vitest";

import { createNotesPrisma } from "./notes-database.js";
import { createNotesAuth } from "./open-deps.js";
import type { NotesRouter } from "./router.js";
import { buildServer } from "./server.js";
import { testNotesConfig, useNotesTestServer } from "./test-support/index.js";

const identity = useTestServer();
const notes = useNotesTestServer(identity);
const { h } = identity;

const notesClient = (token?: string) =>
  createTRPCClient<NotesRouter>({
    links: [
      httpBatchLink({
        url: notes.url,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });

const origin = () => new URL(notes.url).origin;

/** The error a call failed with, over HTTP. */
async function failureOf(call: Promise<unknown>): Promise<TRPCClientError<NotesRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<NotesRouter>;
    throw error;
  }
  throw new Error("the call succeeded");
}

describe("probes", () => {
  it("GET /health answers while the process lives, with the platform's security headers", async () => {
    const response = await fetch(`${origin()}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("GET /ready queries the notes database and pings the registry", async () => {
    const response = await fetch(`${origin()}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok", registry: "ok" } });
  });

  it("GET /ready is 503 when the notes database cannot be reached, and says when to retry", async () => {
    const unreachable = createNotesPrisma({ url: "postgres://postgres@127.0.0.1:1/nowhere" });
    const broken = await buildServer({ ...notes.n.deps, prisma: unreachable, logger: createSilentLogger() });
    try {
      const response = await broken.inject({ method: "GET", url: "/ready" });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: "unavailable", checks: { database: "down", registry: "ok" } });
      expect(Number(response.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    } finally {
      await broken.close();
      await unreachable.$disconnect();
    }
  });

  it("GET /ready is 503 when the registry cannot be reached (without Redis: the identity service)", async () => {
    const config = testNotesConfig({ IDENTITY_URL: "http://127.0.0.1:1/trpc" }); // nothing listens there
    const broken = await buildServer({ ...notes.n.deps, ...createNotesAuth(config, undefined), config });
    try {
      const response = await broken.inject({ method: "GET", url: "/ready" });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: "unavailable", checks: { database: "ok", registry: "down" } });
    } finally {
      await broken.close();
    }
  });
});

describe("tRPC over HTTP", () => {
  it("a user signed in on the identity creates and lists notes at once (dates stay dates)", async () => {
    const alice = await h.createSignedInUser();
    const client = notesClient(alice.token);
    const note = await client.notes.create.mutate({ text: "over HTTP" });
    expect(note.createdAt).toBeInstanceOf(Date);
    expect(await client.notes.list.query()).toEqual([note]);
  });

  it("is 401 UNAUTHORIZED with data.reason 'session' without a live session", async () => {
    const response = await fetch(`${notes.url}/notes.list`);
    expect(response.status).toBe(401);
    const error = await failureOf(notesClient().notes.list.query());
    expect(error.data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401, reason: "session" });
  });

  it("is 401 with a token signed by anyone but the identity", async () => {
    const alice = await h.createSignedInUser();
    const forged = await forgeAccessToken({
      secret: "not-the-identity-secret-0123456789abcdef",
      issuer: "my-platform",
      audience: "my-platform",
      userId: alice.id,
      sessionId: h.sessionIdOf(alice.refreshToken),
      issuedAt: new Date(),
    });
    expect((await failureOf(notesClient(forged).notes.list.query())).data?.code).toBe("UNAUTHORIZED");
    // the identity's own secret, for contrast: the same claims are accepted
    const genuine = await forgeAccessToken({
      secret: testJwtSecret,
      issuer: "my-platform",
      audience: "my-platform",
      userId: alice.id,
      sessionId: h.sessionIdOf(alice.refreshToken),
      issuedAt: new Date(),
    });
    await expect(notesClient(genuine).notes.list.query()).resolves.toEqual([]);
  });

  it("is 403 FORBIDDEN for notes.listAll without the admin role", async () => {
    const alice = await h.createSignedInUser();
    const error = await failureOf(notesClient(alice.token).notes.listAll.query());
    expect(error.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
  });

  it("is 400 BAD_REQUEST with the issue by field for a bad text", async () => {
    const alice = await h.createSignedInUser();
    const error = await failureOf(notesClient(alice.token).notes.create.mutate({ text: "   " }));
    expect(error.data).toMatchObject({
      code: "BAD_REQUEST",
      httpStatus: 400,
      issues: [{ path: ["text"], message: "Text is required" }],
    });
  });
});
