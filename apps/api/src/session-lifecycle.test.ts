import { describe, expect, it } from "vitest";

import { startSession, sweepExpiredSessions } from "./session-lifecycle.js";
import { useTestHarness } from "./test-support/hooks.js";
import { anyDate, anyString } from "./test-support/matchers.js";

const h = useTestHarness();

const days = (n: number) => n * 86_400_000;

/** What a sign-in has read of a user once it has verified their password. */
const readForSignIn = (id: string) =>
  h.deps.prisma.user.findUniqueOrThrow({
    where: { id },
    select: { passwordHash: true, roles: true, rolesVersion: true },
  });

describe("startSession", () => {
  it("with whilePasswordHashIs the current hash, opens a live session", async () => {
    const user = await h.createUser();
    const { passwordHash, roles, rolesVersion } = await readForSignIn(user.id);
    const started = await startSession(
      h.deps,
      { id: user.id, roles, rolesVersion },
      {},
      { whilePasswordHashIs: passwordHash },
    );
    expect(started).toMatchObject({ sessionId: anyString(), token: anyString() });
    await expect(h.caller(started?.token).auth.me()).resolves.toMatchObject({ id: user.id });
  });

  it("a sign-in that verified the old password cannot open a session once the password has changed", async () => {
    const nia = await h.createSignedInUser({ password: "old passphrase" });
    const { passwordHash: verifiedHash, roles, rolesVersion } = await readForSignIn(nia.id);
    await h.caller(nia.token).auth.changePassword({ currentPassword: "old passphrase", newPassword: "new passphrase" });
    // the sign-in's verification happened before the change; its session would be opened after it
    expect(
      await startSession(h.deps, { id: nia.id, roles, rolesVersion }, {}, { whilePasswordHashIs: verifiedHash }),
    ).toBeNull();
    expect(await h.deps.prisma.session.count({ where: { userId: nia.id, isRevoked: false } })).toBe(1);
  });
});

describe("createSessionSource (the registry's fill from Postgres)", () => {
  it("returns a live session with its user's roles", async () => {
    const { id, refreshToken } = await h.createSignedInUser({ roles: ["user", "support"] });
    expect(await h.deps.loadSession(h.sessionIdOf(refreshToken))).toEqual({
      userId: id,
      expiresAt: anyDate(),
      roles: { roles: ["user", "support"], version: 0 },
    });
  });

  it("returns null for an expired session, even one never revoked (test clock)", async () => {
    const { refreshToken } = await h.createSignedInUser();
    h.clock.advance(days(30) + 1000);
    expect(await h.deps.loadSession(h.sessionIdOf(refreshToken))).toBeNull();
  });

  it("returns null for a revoked session", async () => {
    const { token, refreshToken } = await h.createSignedInUser();
    await h.caller(token).auth.signOut();
    expect(await h.deps.loadSession(h.sessionIdOf(refreshToken))).toBeNull();
  });
});

describe("authentication after a registry miss", () => {
  it("refuses a token whose user is not the session's owner, and registers nothing", async () => {
    // a validly signed token naming Bob with Alice's session id (a signing-key holder's mistake,
    // or a forged claim): the fill from Postgres must check the owner, not only the session
    const [alice, bob] = [await h.createSignedInUser(), await h.createSignedInUser()];
    const aliceSession = h.sessionIdOf(alice.refreshToken);
    const mixed = await h.deps.tokens.sign({ userId: bob.id, sessionId: aliceSession, roles: ["user"] });
    await h.forgetRegistry();
    await expect(h.caller(mixed).auth.sessions.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await h.deps.registry.lookup(aliceSession, bob.id)).toEqual({ status: "unknown" });
    await expect(h.caller(alice.token).auth.sessions.list()).resolves.toHaveLength(1);
  });
});

describe("sweepExpiredSessions", () => {
  it("expired sessions are refused on access and deleted by the sweep a day after expiry (test clock)", async () => {
    const { refreshToken } = await h.createSignedInUser();
    const sessionId = h.sessionIdOf(refreshToken);
    h.clock.advance(days(30) + 1000);
    await expect(h.caller().auth.refresh({ refreshToken })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await sweepExpiredSessions(h.deps)).toBe(0);
    h.clock.advance(days(1));
    expect(await sweepExpiredSessions(h.deps)).toBeGreaterThanOrEqual(1);
    expect(await h.deps.prisma.session.findUnique({ where: { id: sessionId } })).toBeNull();
  });

  it("deletes revoked sessions too, once they would have expired a day ago", async () => {
    const { token, refreshToken } = await h.createSignedInUser();
    const sessionId = h.sessionIdOf(refreshToken);
    await h.caller(token).auth.signOut();
    h.clock.advance(days(29));
    await sweepExpiredSessions(h.deps);
    expect(await h.deps.prisma.session.findUnique({ where: { id: sessionId } })).toMatchObject({ isRevoked: true });
    h.clock.advance(days(2) + 1000);
    await sweepExpiredSessions(h.deps);
    expect(await h.deps.prisma.session.findUnique({ where: { id: sessionId } })).toBeNull();
  });
});
