// The notes procedures, called in-process (createCaller) with tokens a test identity (served over
// HTTP) issued: the real auth middleware and createSpecialistDeps (the identity's registry in
// Redis with REDIS_URL, read only, misses asked of the identity; without it, the identity answers
// every call), and the notes database (a server's `notes` schema with DATABASE_URL, embedded
// otherwise). A change on the identity reaches notes through the registry's change feed, within
// the bound its tests state (asserted here as 2 s, as in apps/api/src/specialist.test.ts).
import { anyDate, anyString, testJwtSecret, useTestServer } from "@platform/api/testing";
import { codeOf, forgeAccessToken } from "@platform/auth/testing";
import { describe, expect, it, vi } from "vitest";

import { useNotesHarness } from "../test-support/index.js";
import { maxNoteLength } from "./notes.js";

const identity = useTestServer();
const { h } = identity;
const n = useNotesHarness(identity);
const propagation = { timeout: 2_000, interval: 20 };

const countNotes = () => n.deps.prisma.note.count();

describe("notes.create", () => {
  it("stores the note as the caller's, trimmed, and returns it", async () => {
    const alice = await h.createSignedInUser();
    const note = await n.caller(alice.token).notes.create({ text: "  buy milk \n" });
    expect(note).toEqual({ id: anyString(), userId: alice.id, text: "buy milk", createdAt: anyDate() });
    expect(Object.keys(note).sort()).toEqual(["createdAt", "id", "text", "userId"]);
  });

  it("takes the author from the session, never from the input", async () => {
    const [alice, bob] = await Promise.all([h.createSignedInUser(), h.createSignedInUser()]);
    const note = await n
      .caller(alice.token)
      .notes.create({ text: "mine", userId: bob.id } as unknown as { text: string });
    expect(note.userId).toBe(alice.id);
  });

  it("accepts exactly the longest text", async () => {
    const alice = await h.createSignedInUser();
    const note = await n.caller(alice.token).notes.create({ text: "x".repeat(maxNoteLength) });
    expect(note.text).toHaveLength(maxNoteLength);
  });

  it.each([
    ["empty", { text: "" }, "Text is required"],
    ["blank", { text: " \t\n " }, "Text is required"],
    ["too long", { text: "x".repeat(maxNoteLength + 1) }, `Text must be at most ${maxNoteLength} characters`],
    ["with a NUL character", { text: "a\u0000b" }, "Text must not contain NUL characters"],
    ["not a string", { text: 42 }, "Text must be a string"],
    ["missing", {}, "Text must be a string"],
  ])("refuses a text that is %s with BAD_REQUEST, and writes nothing", async (_, input, message) => {
    const alice = await h.createSignedInUser();
    const before = await countNotes();
    const call = n.caller(alice.token).notes.create(input as { text: string });
    await expect(call).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(call).rejects.toThrow(message);
    expect(await countNotes()).toBe(before);
  });

  it("is UNAUTHORIZED without a token, and writes nothing", async () => {
    const before = await countNotes();
    await expect(n.caller().notes.create({ text: "anonymous" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await countNotes()).toBe(before);
  });
});

describe("notes.list", () => {
  it("returns the caller's notes only, newest first: another user's never appear", async () => {
    const [alice, bob] = await Promise.all([h.createSignedInUser(), h.createSignedInUser()]);
    const first = await n.caller(alice.token).notes.create({ text: "first" });
    await n.caller(bob.token).notes.create({ text: "bob's" });
    const second = await n.caller(alice.token).notes.create({ text: "second" });

    const mine = await n.caller(alice.token).notes.list();
    expect(mine.map((note) => note.id)).toEqual([second.id, first.id]);
    const bobs = await n.caller(bob.token).notes.list();
    expect(bobs.map((note) => note.text)).toEqual(["bob's"]);
  });

  it("is empty for a user without notes", async () => {
    const carol = await h.createSignedInUser();
    expect(await n.caller(carol.token).notes.list()).toEqual([]);
  });
});

describe("notes.listAll", () => {
  it("is FORBIDDEN for a signed-in user without the admin role", async () => {
    const alice = await h.createSignedInUser();
    await expect(n.caller(alice.token).notes.listAll()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("returns every user's notes, newest first, to an admin", async () => {
    const [alice, bob, admin] = await Promise.all([
      h.createSignedInUser(),
      h.createSignedInUser(),
      h.createSignedInUser({ roles: ["admin"] }),
    ]);
    const older = await n.caller(alice.token).notes.create({ text: "alice's" });
    const newer = await n.caller(bob.token).notes.create({ text: "bob's" });
    const all = await n.caller(admin.token).notes.listAll();
    const ids = all.map((note) => note.id);
    expect(ids).toContain(older.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
    expect(all.map((note) => note.userId)).toEqual(expect.arrayContaining([alice.id, bob.id]));
  });

  it("follows the identity's role changes: the token's roles are not trusted", async () => {
    const [admin, other] = await Promise.all([
      h.createSignedInUser({ roles: ["admin"] }),
      h.createSignedInUser({ roles: ["admin"] }),
    ]);
    await n.caller(admin.token).notes.listAll();
    await h.caller(other.token).users.setRoles({ id: admin.id, roles: ["user"] });
    await vi.waitFor(
      () => expect(codeOf(n.caller(admin.token).notes.listAll())).resolves.toBe("FORBIDDEN"),
      propagation,
    );
  });
});

describe("authentication (every procedure)", () => {
  const calls = {
    "notes.create": (token?: string) => n.caller(token).notes.create({ text: "x" }),
    "notes.list": (token?: string) => n.caller(token).notes.list(),
    "notes.listAll": (token?: string) => n.caller(token).notes.listAll(),
  };

  it.each(Object.keys(calls))("%s is UNAUTHORIZED, reason session, without a token", async (path) => {
    await expect(calls[path as keyof typeof calls]()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "Not signed in, or the session has ended",
    });
  });

  it.each(Object.keys(calls))("%s is UNAUTHORIZED with a token that is not the identity's", async (path) => {
    const alice = await h.createSignedInUser({ roles: ["admin"] });
    const forged = await forgeAccessToken({
      secret: "another-secret-that-is-long-enough-0123456789",
      issuer: "my-platform",
      audience: "my-platform",
      userId: alice.id,
      sessionId: h.sessionIdOf(alice.refreshToken),
      roles: ["admin"],
      issuedAt: new Date(),
    });
    const call = calls[path as keyof typeof calls];
    for (const token of ["not-a-jwt", `${alice.token}x`, forged]) {
      await expect(call(token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("a well-signed token is refused once its session is signed out on the identity", async () => {
    const alice = await h.createSignedInUser();
    await n.caller(alice.token).notes.list();
    await h.caller(alice.token).auth.signOut();
    await vi.waitFor(
      () => expect(codeOf(n.caller(alice.token).notes.list())).resolves.toBe("UNAUTHORIZED"),
      propagation,
    );
  });

  it("a token signed with the identity's secret but naming a session the identity never started is refused", async () => {
    const alice = await h.createSignedInUser();
    const token = await forgeAccessToken({
      secret: testJwtSecret,
      issuer: "my-platform",
      audience: "my-platform",
      userId: alice.id,
      sessionId: "a-session-nobody-started",
      issuedAt: new Date(),
    });
    await expect(n.caller(token).notes.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
