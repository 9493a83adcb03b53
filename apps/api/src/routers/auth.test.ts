import argon2 from "argon2";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { seedAdmin } from "../seed-admin.js";
import { createTestHarness, type TestHarness, testJwtSecret } from "../test-support/harness.js";

const admin = { email: "admin@example.com", password: "correct-horse-battery-staple" };
const alice = { email: "alice@example.com", password: "alice-password-1" };

let h: TestHarness;
let aliceId: string;
beforeAll(async () => {
  h = await createTestHarness();
  await seedAdmin(h.deps.prisma, admin);
  aliceId = (await h.createUser(alice)).id;
});
afterAll(() => h.close());

const countRows = async () => ({
  users: await h.deps.prisma.user.count(),
  sessions: await h.deps.prisma.session.count(),
});

describe("the seed's scenario", () => {
  it("admin signs in and lists users; no token is UNAUTHORIZED; a plain user is FORBIDDEN; signed out is UNAUTHORIZED", async () => {
    const adminToken = await h.signIn(admin.email, admin.password);
    const { items } = await h.caller(adminToken).users.list();
    expect(items.map((u) => u.email)).toEqual(expect.arrayContaining([admin.email, alice.email]));

    await expect(h.caller().users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const aliceToken = await h.signIn(alice.email, alice.password);
    await expect(h.caller(aliceToken).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });

    await expect(h.caller(adminToken).auth.signOut()).resolves.toEqual({ success: true });
    await expect(h.caller(adminToken).users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(adminToken).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("auth.signIn", () => {
  it("returns a token and the user, without the password hash", async () => {
    const result = await h.caller().auth.signIn(alice);
    expect(result.user).toEqual({
      id: aliceId,
      email: alice.email,
      name: "alice",
      roles: ["user"],
      createdAt: expect.any(Date),
    });
    expect(JSON.stringify(result)).not.toMatch(/argon2|passwordHash|password_hash/);
  });

  it("re-hashes a password stored with weaker argon2 parameters on successful sign-in", async () => {
    const weakHash = await argon2.hash("legacy passphrase", {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    const { id } = await h.deps.prisma.user.create({
      data: { email: "legacy@example.com", name: "Legacy", passwordHash: weakHash },
    });
    await h.caller().auth.signIn({ email: "legacy@example.com", password: "legacy passphrase" });
    const { passwordHash } = await h.deps.prisma.user.findUniqueOrThrow({ where: { id } });
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(
      h.caller().auth.signIn({ email: "legacy@example.com", password: "legacy passphrase" }),
    ).resolves.toBeDefined();
  });

  it("two concurrent sign-ins both succeed while upgrading the same weak hash", async () => {
    const weakHash = await argon2.hash("legacy passphrase two", {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    await h.deps.prisma.user.create({ data: { email: "legacy2@example.com", name: "Legacy", passwordHash: weakHash } });
    const results = await Promise.allSettled(
      [1, 2].map(() => h.caller().auth.signIn({ email: "legacy2@example.com", password: "legacy passphrase two" })),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
  });

  it("records successful and failed sign-ins in the audit trail, with IP and user agent", async () => {
    await h.callerWith({ ip: "192.0.2.10", userAgent: "audit-test" }).auth.signIn(alice);
    await h
      .callerWith({ ip: "192.0.2.11" })
      .auth.signIn({ email: alice.email, password: "not-alices-password" })
      .catch(() => undefined);
    const events = await h.deps.prisma.auditEvent.findMany({
      where: { action: "sign_in", ip: { in: ["192.0.2.10", "192.0.2.11"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(events).toEqual([
      expect.objectContaining({ outcome: "success", actorId: aliceId, userAgent: "audit-test" }),
      expect.objectContaining({ outcome: "failure", actorId: null, subjectId: aliceId }),
    ]);
  });

  it("accepts the email in any case and with surrounding spaces", async () => {
    await expect(
      h.caller().auth.signIn({ email: "  ALICE@Example.com ", password: alice.password }),
    ).resolves.toMatchObject({ user: { id: aliceId } });
  });

  it("opens a new 30-day session row per sign-in", async () => {
    const before = await h.deps.prisma.session.count({ where: { userId: aliceId } });
    await h.signIn(alice.email, alice.password);
    const sessions = await h.deps.prisma.session.findMany({
      where: { userId: aliceId },
      orderBy: { createdAt: "desc" },
    });
    expect(sessions).toHaveLength(before + 1);
    const lifetimeDays = (sessions[0]!.expiresAt.getTime() - sessions[0]!.createdAt.getTime()) / 86_400_000;
    expect(lifetimeDays).toBeCloseTo(30, 1);
  });

  it("gives the same UNAUTHORIZED 'invalid credentials' for an unknown email and a wrong password, and writes nothing", async () => {
    const before = await countRows();
    await expect(
      h.caller().auth.signIn({ email: "nobody@example.com", password: alice.password }),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "invalid credentials",
    });
    await expect(h.caller().auth.signIn({ email: alice.email, password: "not-alices-password" })).rejects.toMatchObject(
      {
        code: "UNAUTHORIZED",
        message: "invalid credentials",
      },
    );
    expect(await countRows()).toEqual(before);
  });

  it.each([
    ["a malformed email", { email: "not-an-email", password: "long-enough-password" }, /valid email/],
    ["a short password", { email: alice.email, password: "short" }, /at least 8 characters/],
    ["a too long password", { email: alice.email, password: "x".repeat(129) }, /at most 128 characters/],
    ["a number as password", { email: alice.email, password: 12345678 }, /Password must be a string/],
    ["a missing email", { password: "long-enough-password" }, /Email must be a string/],
    ["an unknown key", { ...alice, roles: ["admin"] }, /Unrecognized key/],
    ["no input at all", undefined, /expected object/],
  ])("rejects %s with BAD_REQUEST and a readable message, writing nothing", async (_, input, message) => {
    const before = await countRows();
    // deliberately wrong types: what a client that ignores the types could send
    await expect(h.caller().auth.signIn(input as never)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(message),
    });
    expect(await countRows()).toEqual(before);
  });
});

describe("tokens that must be refused", () => {
  const key = new TextEncoder().encode(testJwtSecret);
  let sessionId: string;
  beforeAll(async () => {
    const token = await h.signIn(alice.email, alice.password);
    sessionId = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sid;
  });
  const claims = () => new SignJWT({ sid: sessionId, roles: ["admin"] }).setSubject(aliceId).setIssuedAt();

  it.each([
    [
      "forged with another secret",
      () =>
        claims()
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("my-platform")
          .setAudience("my-platform")
          .setExpirationTime("15m")
          .sign(new TextEncoder().encode("x".repeat(40))),
    ],
    [
      "expired",
      () =>
        claims()
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("my-platform")
          .setAudience("my-platform")
          .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
          .sign(key),
    ],
    [
      "for another audience",
      () =>
        claims()
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("my-platform")
          .setAudience("another-app")
          .setExpirationTime("15m")
          .sign(key),
    ],
    [
      "from another issuer",
      () =>
        claims()
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("evil")
          .setAudience("my-platform")
          .setExpirationTime("15m")
          .sign(key),
    ],
    [
      "signed with HS512",
      () =>
        claims()
          .setProtectedHeader({ alg: "HS512" })
          .setIssuer("my-platform")
          .setAudience("my-platform")
          .setExpirationTime("15m")
          .sign(key),
    ],
    [
      "with alg: none",
      async () =>
        new UnsecuredJWT({ sid: sessionId })
          .setSubject(aliceId)
          .setIssuer("my-platform")
          .setAudience("my-platform")
          .setIssuedAt()
          .setExpirationTime("15m")
          .encode(),
    ],
    [
      "for a session that does not exist",
      () =>
        new SignJWT({ sid: "no-such-session" })
          .setSubject(aliceId)
          .setIssuedAt()
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("my-platform")
          .setAudience("my-platform")
          .setExpirationTime("15m")
          .sign(key),
    ],
    [
      "for another user's session",
      () =>
        new SignJWT({ sid: sessionId })
          .setSubject("someone-else")
          .setIssuedAt()
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("my-platform")
          .setAudience("my-platform")
          .setExpirationTime("15m")
          .sign(key),
    ],
  ])("refuses a token %s with UNAUTHORIZED", async (_, makeToken) => {
    await expect(h.caller(await makeToken()).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses a malformed Authorization header", async () => {
    const token = await h.signIn(alice.email, alice.password);
    for (const authorization of [token, `Basic ${token}`, "Bearer", `Bearer ${token} extra`]) {
      await expect(h.callerWith({ authorization }).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("refuses an access token once it has expired (fake clock), even though the session lives on", async () => {
    const token = await h.signIn(alice.email, alice.password);
    vi.useFakeTimers({ now: Date.now() + 16 * 60 * 1000, toFake: ["Date"] });
    try {
      await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("auth.me and auth.signOut", () => {
  it("me returns the caller without the password hash", async () => {
    const me = await h.caller(await h.signIn(alice.email, alice.password)).auth.me();
    expect(me).toEqual({
      id: aliceId,
      email: alice.email,
      name: "alice",
      roles: ["user"],
      createdAt: expect.any(Date),
    });
    expect(me).not.toHaveProperty("passwordHash");
  });

  it("sign-out ends only the caller's session, in Postgres and the registry", async () => {
    const [first, second] = [await h.signIn(alice.email, alice.password), await h.signIn(alice.email, alice.password)];
    await h.caller(first).auth.signOut();
    await expect(h.caller(first).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(second).auth.me()).resolves.toMatchObject({ id: aliceId });
    await expect(h.caller(first).auth.signOut()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("signOut without a token is UNAUTHORIZED", async () => {
    await expect(h.caller().auth.signOut()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("when the registry has lost its data (flushed or restarted Redis)", () => {
  it("a live session is restored from Postgres and a revoked one stays revoked", async () => {
    const live = await h.signIn(alice.email, alice.password);
    const revoked = await h.signIn(alice.email, alice.password);
    await h.caller(revoked).auth.signOut();
    await h.forgetRegistry();
    await expect(h.caller(live).auth.me()).resolves.toMatchObject({ id: aliceId });
    await expect(h.caller(revoked).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
