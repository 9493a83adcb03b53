import { hashPassword, needsRehash } from "@platform/auth";
import { codeOf, forgeAccessToken, type ForgedAccessToken, hashWithWeakParameters } from "@platform/auth/testing";
import { Prisma } from "@platform/db";
import argon2 from "argon2";
import { describe, expect, it, onTestFinished, vi } from "vitest";

import { createCaller } from "../caller.js";
import { createDeps } from "../deps.js";
import { captureLogs } from "../test-support/capture-logs.js";
import { bodyRefreshToken, credentialsOf, uniqueEmail } from "../test-support/harness.js";
import { useTestHarness } from "../test-support/hooks.js";
import { anyDate, anyString, stringMatching } from "../test-support/matchers.js";

const h = useTestHarness();

const minutes = (n: number) => n * 60_000;
const days = (n: number) => n * 86_400_000;

const countRows = async () => ({
  users: await h.deps.prisma.user.count(),
  sessions: await h.deps.prisma.session.count(),
});
/** A new user's first session: its tokens, and the user as the test created it. */
const newSession = async () => {
  const user = await h.createUser();
  const { token, refreshToken } = await h.caller().auth.signIn(credentialsOf(user));
  return { user, token, refreshToken };
};
const refresh = (refreshToken: string | undefined) =>
  h.caller().auth.refresh({ refreshToken: bodyRefreshToken(refreshToken) });

describe("auth.signUp", () => {
  it("creates a user with the role `user` only and signs them in", async () => {
    const email = uniqueEmail("dana");
    const result = await h
      .caller()
      .auth.signUp({ email: `  ${email.toUpperCase()} `, name: " Dana ", password: "a fine passphrase" });
    expect(result.user).toMatchObject({ email, name: "Dana", roles: ["user"] });
    expect(result.refreshToken).toEqual(anyString());
    await expect(h.caller(result.token).auth.me()).resolves.toMatchObject({ email });
    expect(JSON.stringify(result)).not.toMatch(/argon2/);
  });

  it("a taken email, in any case, is CONFLICT and writes nothing", async () => {
    const email = uniqueEmail("erin");
    await h.caller().auth.signUp({ email, name: "Erin", password: "erin's passphrase" });
    const before = await countRows();
    await expect(
      h.caller().auth.signUp({ email: email.toUpperCase(), name: "Erin 2", password: "another passphrase" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "An account with this email already exists",
    });
    expect(await countRows()).toEqual(before);
    const refusals = await h.deps.prisma.auditEvent.findMany({ where: { action: "sign_up", outcome: "failure" } });
    expect(refusals.filter((event) => JSON.stringify(event.details).includes(email))).toEqual([
      expect.objectContaining({ actorId: null, details: { email, reason: "email_taken" } }),
    ]);
  });

  it.each([
    ["roles (mass assignment)", { roles: ["admin"] }],
    ["an unknown key", { isAdmin: true }],
    ["an id", { id: "chosen-id" }],
    ['a "__proto__" key (as JSON.parse makes it)', JSON.parse('{"__proto__":{"roles":["admin"]}}') as object],
  ])("rejects %s with BAD_REQUEST and writes nothing", async (_, extra) => {
    const before = await countRows();
    const email = uniqueEmail("mallory");
    const input = { email, name: "Mallory", password: "mallory passphrase", ...extra };
    await expect(h.caller().auth.signUp(input as never)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: stringMatching(/Unrecognized key/),
    });
    expect(await countRows()).toEqual(before);
    expect(await h.deps.prisma.user.findUnique({ where: { email } })).toBeNull();
  });

  it.each([
    ["7 characters", "abcdefg", /at least 8 characters/],
    ["129 characters", "x".repeat(129), /at most 128 characters/],
    ["a common password", "Password123", /most common passwords/],
    ["only spaces", " ".repeat(12), /something other than spaces/],
    [
      "only control and invisible characters",
      "\u0001\u0002\u200b\u200d\t\n\u0003\u0004",
      /something other than spaces/,
    ],
    ["a number", 12345678, /must be a string/],
  ])("refuses a password of %s with a clear message", async (_, password, message) => {
    const email = uniqueEmail("frank");
    await expect(h.caller().auth.signUp({ email, name: "Frank", password } as never)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: stringMatching(message),
    });
    expect(await h.deps.prisma.user.count({ where: { email } })).toBe(0);
  });

  it("a password registered in NFC signs in when typed in NFD, and the other way round (one password)", async () => {
    const composed = "cr\u00e8me br\u00fbl\u00e9e pour deux";
    for (const [registered, typed] of [
      [composed, composed.normalize("NFD")],
      [composed.normalize("NFD"), composed],
    ] as const) {
      const email = uniqueEmail("unicode");
      await h.caller().auth.signUp({ email, name: "Unicode", password: registered });
      await expect(h.caller().auth.signIn({ email, password: typed })).resolves.toMatchObject({ user: { email } });
    }
  });

  it("counts characters, not bytes: 8 emoji are a valid password, and nothing is truncated", async () => {
    const password = "🔑🔒🗝️🔐🔓🛡️🧩🎲";
    const gwen = uniqueEmail("gwen");
    const { user } = await h.caller().auth.signUp({ email: gwen, name: "Gwen", password });
    expect(user.email).toBe(gwen);
    await expect(h.caller().auth.signIn({ email: gwen, password })).resolves.toMatchObject({
      user: { id: user.id },
    });
    const long = `${"ж".repeat(127)}a`;
    const hugo = uniqueEmail("hugo");
    await h.caller().auth.signUp({ email: hugo, name: "Hugo", password: long });
    await expect(h.caller().auth.signIn({ email: hugo, password: `${"ж".repeat(127)}b` })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("rejects a malformed email or an empty name", async () => {
    await expect(
      h.caller().auth.signUp({ email: "nope", name: "X", password: "good passphrase" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      h.caller().auth.signUp({ email: uniqueEmail("ivy"), name: "  ", password: "good passphrase" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: stringMatching(/Name is required/),
    });
  });
});

describe("auth.signIn", () => {
  it("returns a token and the user, without the password hash", async () => {
    const alice = await h.createUser({ name: "Alice" });
    const result = await h.caller().auth.signIn(credentialsOf(alice));
    expect(result.user).toEqual({
      id: alice.id,
      email: alice.email,
      name: "Alice",
      roles: ["user"],
      createdAt: anyDate(),
    });
    expect(JSON.stringify(result)).not.toMatch(/argon2|passwordHash|password_hash/);
  });

  it("re-hashes a password stored with weaker argon2 parameters on successful sign-in", async () => {
    const email = uniqueEmail("legacy");
    const { id } = await h.deps.prisma.user.create({
      data: { email, name: "Legacy", passwordHash: await hashWithWeakParameters("legacy passphrase") },
    });
    await h.caller().auth.signIn({ email, password: "legacy passphrase" });
    const { passwordHash } = await h.deps.prisma.user.findUniqueOrThrow({ where: { id } });
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(h.caller().auth.signIn({ email, password: "legacy passphrase" })).resolves.toBeDefined();
  });

  it("re-hashes an argon2i hash (today's parameters, another variant) to argon2id on successful sign-in", async () => {
    const email = uniqueEmail("legacy");
    const passwordHash = await argon2.hash("argon2i passphrase", {
      type: argon2.argon2i,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    const { id } = await h.deps.prisma.user.create({ data: { email, name: "Legacy", passwordHash } });
    await h.caller().auth.signIn({ email, password: "argon2i passphrase" });
    const stored = await h.deps.prisma.user.findUniqueOrThrow({ where: { id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("refuses the right password when the stored hash asks for too much, and logs why without hash material", async () => {
    const email = uniqueEmail("hostile-hash");
    const real = await hashPassword("the right passphrase");
    const [, , , , salt = "", digest = ""] = real.split("$");
    const passwordHash = `$argon2id$v=19$m=8388608,t=1000,p=1$${salt}$${digest}`;
    const { id } = await h.deps.prisma.user.create({ data: { email, name: "Hostile", passwordHash } });
    const logs = captureLogs("info");
    const caller = createCaller(createDeps({ ...h.deps, logger: logs.logger }));
    const started = performance.now();
    await expect(caller.auth.signIn({ email, password: "the right passphrase" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "invalid credentials",
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(logs.at("warn")).toEqual([
      expect.objectContaining({ userId: id, problem: stringMatching(/m=8388608.*t=1000/) }),
    ]);
    expect(JSON.stringify(logs.lines)).not.toContain(digest);
  });

  it("two concurrent sign-ins both succeed while upgrading the same weak hash", async () => {
    const email = uniqueEmail("legacy");
    await h.deps.prisma.user.create({
      data: { email, name: "Legacy", passwordHash: await hashWithWeakParameters("legacy passphrase two") },
    });
    const results = await Promise.allSettled(
      [1, 2].map(() => h.caller().auth.signIn({ email, password: "legacy passphrase two" })),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
  });

  it("records successful and failed sign-ins in the audit trail, with IP and user agent", async () => {
    const alice = await h.createUser();
    await h.callerWith({ ip: "192.0.2.10", userAgent: "audit-test" }).auth.signIn(credentialsOf(alice));
    await h
      .callerWith({ ip: "192.0.2.11" })
      .auth.signIn({ email: alice.email, password: "not-alices-password" })
      .catch(() => undefined);
    const events = await h.deps.prisma.auditEvent.findMany({
      where: { action: "sign_in", OR: [{ actorId: alice.id }, { subjectId: alice.id }] },
      orderBy: { createdAt: "asc" },
    });
    expect(events).toEqual([
      expect.objectContaining({ outcome: "success", actorId: alice.id, ip: "192.0.2.10", userAgent: "audit-test" }),
      expect.objectContaining({ outcome: "failure", actorId: null, subjectId: alice.id, ip: "192.0.2.11" }),
    ]);
  });

  it("accepts the email in any case and with surrounding spaces", async () => {
    const alice = await h.createUser();
    await expect(
      h.caller().auth.signIn({ email: `  ${alice.email.toUpperCase()} `, password: alice.password }),
    ).resolves.toMatchObject({ user: { id: alice.id } });
  });

  it("opens a new 30-day session row per sign-in", async () => {
    const alice = await h.createUser();
    await h.signIn(alice.email, alice.password);
    await h.signIn(alice.email, alice.password);
    const sessions = await h.deps.prisma.session.findMany({ where: { userId: alice.id } });
    expect(sessions).toHaveLength(2);
    for (const { createdAt, expiresAt } of sessions) {
      expect((expiresAt.getTime() - createdAt.getTime()) / days(1)).toBeCloseTo(30, 1);
    }
  });

  it("gives the same UNAUTHORIZED 'invalid credentials' for an unknown email and a wrong password, and writes nothing", async () => {
    const alice = await h.createUser();
    const before = await countRows();
    await expect(
      h.caller().auth.signIn({ email: uniqueEmail("nobody"), password: alice.password }),
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

  it("an unknown email costs one argon2 verification with today's parameters, like a wrong password", async () => {
    // deterministic rather than timed: count the verifications argon2 is asked for, and check the
    // dummy hash costs what a real one does
    const alice = await h.createUser();
    const verify = vi.spyOn(argon2, "verify");
    onTestFinished(() => {
      verify.mockRestore();
    });
    await h
      .caller()
      .auth.signIn({ email: uniqueEmail("nobody"), password: alice.password })
      .catch(() => undefined);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(needsRehash(verify.mock.calls[0]?.[0] ?? "")).toBe(false); // today's parameters: the same cost
    verify.mockClear();
    await h
      .caller()
      .auth.signIn({ email: alice.email, password: "not-alices-password" })
      .catch(() => undefined);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  const wellFormed = { email: "someone@example.com", password: "long-enough-password" };
  it.each([
    ["a malformed email", { ...wellFormed, email: "not-an-email" }, /valid email/],
    ["a short password", { ...wellFormed, password: "short" }, /at least 8 characters/],
    ["a too long password", { ...wellFormed, password: "x".repeat(129) }, /at most 128 characters/],
    ["a number as password", { ...wellFormed, password: 12345678 }, /Password must be a string/],
    ["a missing email", { password: wellFormed.password }, /Email must be a string/],
    ["an unknown key", { ...wellFormed, roles: ["admin"] }, /Unrecognized key/],
    ["no input at all", undefined, /expected object/],
  ])("rejects %s with BAD_REQUEST and a readable message, writing nothing", async (_, input, message) => {
    const before = await countRows();
    // deliberately wrong types: what a client that ignores the types could send
    await expect(h.caller().auth.signIn(input as never)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: stringMatching(message),
    });
    expect(await countRows()).toEqual(before);
  });
});

describe("auth.refresh", () => {
  it("rotates: a new access token and a new refresh token; the old refresh token is spent", async () => {
    const first = await newSession();
    const second = await refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(h.caller(second.token).auth.me()).resolves.toMatchObject({ email: first.user.email });
    const third = await refresh(second.refreshToken);
    await expect(h.caller(third.token).auth.me()).resolves.toMatchObject({ email: first.user.email });
  });

  it("keeps a session going past its access token's expiry (test clock)", async () => {
    const { user, token, refreshToken } = await newSession();
    h.clock.advance(minutes(16));
    await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const renewed = await refresh(refreshToken);
    await expect(h.caller(renewed.token).auth.me()).resolves.toMatchObject({ email: user.email });
  });

  it("replaying a spent token (rotated three times, replay the first) revokes every token of the session", async () => {
    const first = await newSession();
    const second = await refresh(first.refreshToken);
    h.clock.advance(10_000);
    const third = await refresh(second.refreshToken);
    h.clock.advance(10_000);
    const fourth = await refresh(third.refreshToken);
    h.clock.advance(10_000);

    await expect(refresh(first.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    for (const { token } of [first, second, third, fourth]) {
      await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(refresh(fourth.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const events = await h.deps.prisma.auditEvent.findMany({
      where: { action: "refresh_reuse_detected", subjectId: first.user.id },
    });
    expect(events).toHaveLength(1);
  });

  it("within the grace window a duplicate refresh (two tabs) gets the same result and the session lives", async () => {
    const { user, refreshToken } = await newSession();
    const tabOne = await refresh(refreshToken);
    h.clock.advance(2_000);
    const tabTwo = await refresh(refreshToken);
    expect(tabTwo.refreshToken).toBe(tabOne.refreshToken);
    await expect(h.caller(tabTwo.token).auth.me()).resolves.toMatchObject({ email: user.email });
    await expect(refresh(tabOne.refreshToken)).resolves.toMatchObject({ token: anyString() });
  });

  it("within the grace window, only the token just spent is a duplicate: an older one is a replay", async () => {
    // two rotations in quick succession, then the first token again, still inside the window
    const { refreshToken: first } = await newSession();
    const second = await refresh(first);
    h.clock.advance(1_000);
    const third = await refresh(second.refreshToken);
    h.clock.advance(1_000);
    await expect(refresh(first)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(third.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(refresh(third.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("after the grace window the same duplicate counts as reuse", async () => {
    const { refreshToken } = await newSession();
    const rotated = await refresh(refreshToken);
    h.clock.advance((h.deps.config.refreshReuseGraceSeconds + 1) * 1000);
    await expect(refresh(refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(rotated.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("parallel refreshes of one token produce at most one new token", async () => {
    const { refreshToken } = await newSession();
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(refreshToken)));
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1);
    const session = await h.deps.prisma.session.findUniqueOrThrow({ where: { id: h.sessionIdOf(refreshToken) } });
    expect(session.refreshGeneration).toBe(1);
    expect(session.isRevoked).toBe(false);
  });

  it.each([
    ["garbage", "not-a-token"],
    ["a forged MAC", "cm0000000000000000000000.0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
  ])("refuses %s with UNAUTHORIZED", async (_, refreshToken) => {
    await expect(refresh(refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses a tampered token (its generation changed)", async () => {
    const { refreshToken } = await newSession();
    const [sessionId = "", , mac = ""] = bodyRefreshToken(refreshToken).split(".");
    await expect(refresh(`${sessionId}.7.${mac}`)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses the refresh token of a signed-out session, and of an expired one (test clock)", async () => {
    const signedOut = await newSession();
    await h.caller(signedOut.token).auth.signOut();
    await expect(refresh(signedOut.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const expiring = await newSession();
    h.clock.advance(days(31));
    await expect(refresh(expiring.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("rejects wrong input types with BAD_REQUEST", async () => {
    await expect(h.caller().auth.refresh({ refreshToken: 42 } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(h.caller().auth.refresh(undefined as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("without a token (in the body, or the refresh cookie over HTTP): UNAUTHORIZED, as a refused token", async () => {
    await expect(h.caller().auth.refresh({})).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "The refresh token is invalid, expired or already used; sign in again",
    });
  });
});

describe("auth.signOut", () => {
  it("ends only the caller's session, in Postgres and the registry", async () => {
    const alice = await h.createUser();
    const [first, second] = [await h.signIn(alice.email, alice.password), await h.signIn(alice.email, alice.password)];
    await h.caller(first).auth.signOut();
    await expect(h.caller(first).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(second).auth.me()).resolves.toMatchObject({ id: alice.id });
    await expect(h.caller(first).auth.signOut()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("without a token is UNAUTHORIZED", async () => {
    await expect(h.caller().auth.signOut()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("auth.me", () => {
  it("returns the caller without the password hash", async () => {
    const alice = await h.createSignedInUser({ name: "Alice" });
    const me = await h.caller(alice.token).auth.me();
    expect(me).toEqual({
      id: alice.id,
      email: alice.email,
      name: "Alice",
      roles: ["user"],
      createdAt: anyDate(),
    });
    expect(me).not.toHaveProperty("passwordHash");
  });

  /** A token for a live session of a new user, built by hand: what each refusal below changes one part of. */
  const validToken = async (): Promise<ForgedAccessToken> => {
    const user = await h.createSignedInUser();
    const { secret, issuer, audience } = h.deps.config.jwt;
    return {
      secret,
      issuer,
      audience,
      userId: user.id,
      sessionId: h.sessionIdOf(user.refreshToken),
      roles: ["admin"],
      issuedAt: h.clock.now(),
    };
  };

  it("accepts the hand-built token unchanged (so each refusal below is for the part it changes)", async () => {
    const token = await validToken();
    await expect(h.caller(await forgeAccessToken(token)).auth.me()).resolves.toMatchObject({ id: token.userId });
  });

  const hourBefore = (date: Date) => new Date(date.getTime() - minutes(60));
  const minuteBefore = (date: Date) => new Date(date.getTime() - minutes(1));
  it.each<[string, (token: ForgedAccessToken) => ForgedAccessToken]>([
    ["forged with another secret", (token) => ({ ...token, secret: "x".repeat(40) })],
    [
      "expired",
      (token) => ({ ...token, issuedAt: hourBefore(token.issuedAt), expiresAt: minuteBefore(token.issuedAt) }),
    ],
    ["for another audience", (token) => ({ ...token, audience: "another-app" })],
    ["from another issuer", (token) => ({ ...token, issuer: "evil" })],
    ["signed with HS512", (token) => ({ ...token, alg: "HS512" })],
    ["with alg: none", (token) => ({ ...token, alg: "none" })],
    ["for a session that does not exist", (token) => ({ ...token, sessionId: "no-such-session" })],
    ["for another user's session", (token) => ({ ...token, userId: "someone-else" })],
    ["issued ten years ahead", (token) => ({ ...token, issuedAt: new Date(token.issuedAt.getTime() + days(3653)) })],
  ])("refuses a token %s with UNAUTHORIZED", async (_, change) => {
    const token = await forgeAccessToken(change(await validToken()));
    await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses a malformed Authorization header", async () => {
    const { token } = await h.createSignedInUser();
    for (const authorization of [token, `Basic ${token}`, "Bearer", `Bearer ${token} extra`]) {
      await expect(h.callerWith({ authorization }).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("refuses an access token once it has expired (test clock), even though the session lives on", async () => {
    const { token, refreshToken } = await h.createSignedInUser();
    h.clock.advance(minutes(16));
    await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(refresh(refreshToken)).resolves.toMatchObject({ token: anyString() });
  });

  it("after the registry lost its data (flushed or restarted Redis), a live session is restored from Postgres and a revoked one stays revoked", async () => {
    const alice = await h.createUser();
    const live = await h.signIn(alice.email, alice.password);
    const revoked = await h.signIn(alice.email, alice.password);
    await h.caller(revoked).auth.signOut();
    await h.forgetRegistry();
    await expect(h.caller(live).auth.me()).resolves.toMatchObject({ id: alice.id });
    await expect(h.caller(revoked).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("auth.changePassword", () => {
  it("verifies the current password, keeps the current session and ends every other", async () => {
    const kim = await h.createUser({ password: "old passphrase" });
    const other = await h.caller().auth.signIn(credentialsOf(kim));
    const current = await h.caller().auth.signIn(credentialsOf(kim));

    await expect(
      h.caller(current.token).auth.changePassword({ currentPassword: "old passphrase", newPassword: "new passphrase" }),
    ).resolves.toEqual({ success: true, revokedSessions: 1 });

    await expect(h.caller(current.token).auth.me()).resolves.toMatchObject({ email: kim.email });
    await expect(h.caller(other.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(refresh(other.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller().auth.signIn({ email: kim.email, password: "old passphrase" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(h.caller().auth.signIn({ email: kim.email, password: "new passphrase" })).resolves.toBeDefined();
    const events = await h.deps.prisma.auditEvent.findMany({ where: { action: "password_change", actorId: kim.id } });
    expect(events).toEqual([expect.objectContaining({ outcome: "success", details: { revokedSessions: 1 } })]);
  });

  it("counts only the sessions it ended, not those already signed out", async () => {
    const kim = await h.createSignedInUser({ password: "old passphrase" });
    await h.caller().auth.signIn(credentialsOf(kim));
    await h.caller(kim.token).auth.signOut();
    const current = await h.caller().auth.signIn(credentialsOf(kim));
    await expect(
      h.caller(current.token).auth.changePassword({ currentPassword: "old passphrase", newPassword: "new passphrase" }),
    ).resolves.toEqual({ success: true, revokedSessions: 1 });
    const events = await h.deps.prisma.auditEvent.findMany({ where: { action: "password_change", actorId: kim.id } });
    expect(events).toEqual([expect.objectContaining({ outcome: "success", details: { revokedSessions: 1 } })]);
  });

  it("of two changes from the same current password at once, one wins and the other changes nothing", async () => {
    const ivy = await h.createSignedInUser({ password: "old passphrase" });
    const change = (newPassword: string) =>
      h.caller(ivy.token).auth.changePassword({ currentPassword: "old passphrase", newPassword });
    const [first, second] = await Promise.allSettled([change("first new passphrase"), change("second new passphrase")]);
    expect([first.status, second.status].sort()).toEqual(["fulfilled", "rejected"]);
    const winner = first.status === "fulfilled" ? "first new passphrase" : "second new passphrase";
    await expect(h.caller().auth.signIn({ email: ivy.email, password: winner })).resolves.toBeDefined();
    const events = await h.deps.prisma.auditEvent.count({
      where: { action: "password_change", outcome: "success", actorId: ivy.id },
    });
    expect(events).toBe(1);
  });

  it("a wrong current password is 'invalid credentials' and changes nothing", async () => {
    const lee = await h.createSignedInUser();
    const before = await h.deps.prisma.user.findUniqueOrThrow({ where: { id: lee.id } });
    await expect(
      h.caller(lee.token).auth.changePassword({ currentPassword: "not my passphrase", newPassword: "new passphrase" }),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "invalid credentials",
    });
    expect((await h.deps.prisma.user.findUniqueOrThrow({ where: { id: lee.id } })).passwordHash).toBe(
      before.passwordHash,
    );
  });

  it("applies the password policy to the new password", async () => {
    const max = await h.createSignedInUser();
    await expect(
      h.caller(max.token).auth.changePassword({ currentPassword: max.password, newPassword: "password123" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: stringMatching(/most common passwords/),
    });
    await expect(
      h.caller(max.token).auth.changePassword({ currentPassword: max.password, newPassword: "short" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      h.caller(max.token).auth.changePassword({ currentPassword: max.password, newPassword: "\u00a0".repeat(10) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: stringMatching(/something other than spaces/) });
    await expect(
      h.caller().auth.changePassword({ currentPassword: max.password, newPassword: "new passphrase" }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("normalises the new password: set typed decomposed (NFD), it signs in typed composed (NFC)", async () => {
    const nia = await h.createSignedInUser();
    const newPassword = "na\u00efve r\u00e9sum\u00e9 twice";
    await h
      .caller(nia.token)
      .auth.changePassword({ currentPassword: nia.password, newPassword: newPassword.normalize("NFD") });
    await expect(h.caller().auth.signIn({ email: nia.email, password: newPassword })).resolves.toBeDefined();
  });

  it("is rate limited like sign-in, so a stolen token cannot guess the password", async () => {
    const ola = await h.createSignedInUser();
    const codes = [];
    for (let i = 0; i < 8; i++) {
      codes.push(
        await codeOf(
          h
            .caller(ola.token)
            .auth.changePassword({ currentPassword: `guess number ${i}`, newPassword: "new passphrase" }),
        ),
      );
    }
    expect(codes).toContain("TOO_MANY_REQUESTS");
    expect(codes.indexOf("TOO_MANY_REQUESTS")).toBe(6); // 5 free attempts and the one that earns the first delay
    // the refusal is on the record, as the signed-in caller's
    const refusals = await h.deps.prisma.auditEvent.findMany({ where: { action: "rate_limited", actorId: ola.id } });
    expect(refusals.map(({ outcome, details }) => ({ outcome, details }))).toMatchObject([
      { outcome: "failure", details: { procedure: "auth.changePassword" } },
    ]);
  });

  it("a stranger spending the account's sign-in budget does not stop the signed-in owner", async () => {
    const pam = await h.createSignedInUser();
    // a first delay of a minute: the stranger's block cannot end while the test runs
    const deps = h.withSignInPolicy({ baseDelayMs: 60_000 });
    const stranger = (i: number) =>
      codeOf(
        createCaller(deps, { ip: `198.18.20.${i}` }).auth.signIn({ email: pam.email, password: "wrong passphrase" }),
      );
    for (let i = 0; i < 6; i++) await stranger(i);
    expect(await stranger(6)).toBe("TOO_MANY_REQUESTS");
    await expect(
      createCaller(deps, { authorization: `Bearer ${pam.token}` }).auth.changePassword({
        currentPassword: pam.password,
        newPassword: "a new passphrase",
      }),
    ).resolves.toMatchObject({ success: true });
    expect(await stranger(7)).toBe("TOO_MANY_REQUESTS");
  });
});

describe("the auth procedures' audit rows and edge answers (found missing by mutation testing)", () => {
  const eventsOf = (userId: string, action: string) =>
    h.deps.prisma.auditEvent.findMany({
      where: { action, OR: [{ actorId: userId }, { subjectId: userId }] },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });

  it("a sign-up records who signed up", async () => {
    const { user } = await h.caller().auth.signUp({ email: uniqueEmail(), name: "Ada", password: "a test passphrase" });
    expect(await eventsOf(user.id, "sign_up")).toEqual([expect.objectContaining({ outcome: "success" })]);
  });

  it("a sign-up whose insert fails for another reason than a taken email is not CONFLICT", async () => {
    const failingInsert = new Proxy(h.deps.prisma, {
      get: (target, key) =>
        key === "user"
          ? {
              create: () =>
                Promise.reject(
                  new Prisma.PrismaClientKnownRequestError("value too long for the column", {
                    code: "P2000",
                    clientVersion: Prisma.prismaVersion.client,
                  }),
                ),
            }
          : (Reflect.get(target, key) as unknown),
    });
    const call = createCaller({ ...h.deps, prisma: failingInsert }).auth.signUp({
      email: uniqueEmail(),
      name: "Bea",
      password: "a test passphrase",
    });
    expect(await codeOf(call)).not.toBe("CONFLICT");
  });

  it("a refused sign-in records the email tried; only a stored hash the API refuses is logged", async () => {
    const cy = await h.createUser();
    const logs = captureLogs("warn");
    const caller = createCaller({ ...h.deps, logger: logs.logger });
    expect(await codeOf(caller.auth.signIn({ email: cy.email, password: "not the password" }))).toBe("UNAUTHORIZED");
    expect(logs.lines).toEqual([]);
    expect(await eventsOf(cy.id, "sign_in")).toEqual([
      expect.objectContaining({ outcome: "failure", details: { email: cy.email } }),
    ]);
    await h.deps.prisma.user.update({ where: { id: cy.id }, data: { passwordHash: "not a hash" } });
    expect(await codeOf(caller.auth.signIn(credentialsOf(cy)))).toBe("UNAUTHORIZED");
    expect(logs.at("warn")).toEqual([expect.objectContaining({ msg: "stored password hash refused", userId: cy.id })]);
  });

  it("a sign-in leaves a hash with today's parameters as it is", async () => {
    const di = await h.createUser();
    const before = await h.deps.prisma.user.findUniqueOrThrow({ where: { id: di.id } });
    await h.caller().auth.signIn(credentialsOf(di));
    expect(await h.deps.prisma.user.findUniqueOrThrow({ where: { id: di.id } })).toMatchObject({
      passwordHash: before.passwordHash,
    });
  });

  it("a reused refresh token is recorded with the session it ended; a sign-out as a success", async () => {
    const ed = await h.createSignedInUser();
    await h.caller().auth.refresh({ refreshToken: ed.refreshToken });
    h.clock.advance((h.deps.config.refreshReuseGraceSeconds + 1) * 1000);
    await h
      .caller()
      .auth.refresh({ refreshToken: ed.refreshToken })
      .catch(() => {});
    expect(await eventsOf(ed.id, "refresh_reuse_detected")).toEqual([
      expect.objectContaining({ outcome: "failure", details: { sessionId: h.sessionIdOf(ed.refreshToken) } }),
    ]);
    h.clock.reset();
    const fay = await h.createSignedInUser();
    await h.caller(fay.token).auth.signOut();
    expect(await eventsOf(fay.id, "sign_out")).toEqual([expect.objectContaining({ outcome: "success" })]);
  });

  it("a session that outlived its user is signed out: me and changePassword are UNAUTHORIZED", async () => {
    const gus = await h.createSignedInUser();
    await h.deps.prisma.user.delete({ where: { id: gus.id } }); // behind the API's back: the registry still says live
    expect(await codeOf(h.caller(gus.token).auth.me())).toBe("UNAUTHORIZED");
    const change = h.caller(gus.token).auth.changePassword({
      currentPassword: gus.password,
      newPassword: "another passphrase",
    });
    expect(await codeOf(change)).toBe("UNAUTHORIZED");
  });

  it("a wrong current password is recorded as a failed password change by its actor", async () => {
    const ivo = await h.createSignedInUser();
    const change = h.caller(ivo.token).auth.changePassword({
      currentPassword: "not the password",
      newPassword: "another passphrase",
    });
    expect(await codeOf(change)).toBe("UNAUTHORIZED");
    expect(await eventsOf(ivo.id, "password_change")).toEqual([
      expect.objectContaining({ outcome: "failure", actorId: ivo.id }),
    ]);
  });
});
