import { codeOf, createTestClock } from "@platform/auth/testing";
import { describe, expect, it } from "vitest";

import { createCaller } from "./caller.js";
import { changeWithRegistry } from "./registry-outbox.js";
import {
  createSessionSource,
  revokeSessions,
  rotateRefreshToken,
  startSession,
  sweepExpiredSessions,
} from "./session-lifecycle.js";
import { bodyRefreshToken, credentialsOf } from "./test-support/harness.js";
import { useTestHarness } from "./test-support/hooks.js";
import { canInterleave, pauseBeforeNewSession } from "./test-support/interleave.js";
import { anyDate, anyString, stringMatching } from "./test-support/matchers.js";

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

  it("session ids are 128 random bits: 22 base64url characters, all distinct, that refresh tokens carry", async () => {
    const user = await h.createUser();
    const { roles, rolesVersion } = await readForSignIn(user.id);
    // one after another: 20 transactions at once would only measure the pool on a busy machine
    const started = [];
    for (let i = 0; i < 20; i++) started.push(await startSession(h.deps, { id: user.id, roles, rolesVersion }));
    const ids = started.map(({ sessionId }) => sessionId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // not a timestamp and a counter: two ids in a row share no long prefix
    expect(ids[0]?.slice(0, 8)).not.toBe(ids[1]?.slice(0, 8));
    const first = started[0];
    expect(first && h.sessionIdOf(first.refreshToken)).toBe(first?.sessionId);
    await expect(h.caller().auth.refresh({ refreshToken: first?.refreshToken ?? "" })).resolves.toMatchObject({
      refreshToken: stringMatching(/^[A-Za-z0-9_-]{22}\.1\./),
    });
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

// The interleaving the row lock in startSession exists for, forced (test-support/interleave.ts):
// a sign-in has verified the old password and is inside startSession's transaction when the
// password change runs. With `FOR UPDATE` the change waits for the sign-in to commit and then
// revokes its session; without it the change finishes first, revokes the sessions it can see,
// and the sign-in's session is committed after it, live. A server only: see interleave.ts.
describe.skipIf(!canInterleave)("startSession racing a password change (forced interleaving)", () => {
  it("a sign-in stopped after its password check keeps no session past the change", async () => {
    const nia = await h.createSignedInUser({ password: "old passphrase" });
    const paused = pauseBeforeNewSession(h.deps);
    const signIn = createCaller(paused.deps).auth.signIn({ email: nia.email, password: "old passphrase" });
    await paused.reached;
    const change = h
      .caller(nia.token)
      .auth.changePassword({ currentPassword: "old passphrase", newPassword: "new passphrase" });
    await paused.releaseWhenSettledOrWaiting(change);
    const [signedIn, changed] = await Promise.allSettled([signIn, change]);

    expect(changed).toMatchObject({ status: "fulfilled" });
    // whatever the sign-in answered, no session of it outlives the change
    if (signedIn.status === "fulfilled") {
      await expect(h.caller(signedIn.value.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    const live = await h.deps.prisma.session.findMany({ where: { userId: nia.id, isRevoked: false } });
    expect(live.map(({ id }) => id)).toEqual([h.sessionIdOf(nia.refreshToken)]);
  });
});

describe("rotateRefreshToken", () => {
  /** The harness's deps on a clock that moves only when told (the refresh grace to the millisecond). */
  const frozenDeps = () => {
    const clock = createTestClock(new Date());
    return { deps: { ...h.deps, now: clock.now }, clock };
  };

  it("answers invalid for a token that is not authentic, of an unknown session, or of a revoked one", async () => {
    const ana = await h.createSignedInUser();
    expect(await rotateRefreshToken(h.deps, "not a refresh token")).toEqual({ status: "invalid" });
    await h.deps.prisma.session.delete({ where: { id: h.sessionIdOf(ana.refreshToken) } });
    expect(await rotateRefreshToken(h.deps, ana.refreshToken)).toEqual({ status: "invalid" });
    const bo = await h.createSignedInUser();
    await h.caller(bo.token).auth.signOut();
    expect(await rotateRefreshToken(h.deps, bo.refreshToken)).toEqual({ status: "invalid" });
  });

  it("the token just spent is a duplicate up to the grace window's last millisecond, a reuse after", async () => {
    const { deps, clock } = frozenDeps();
    const cy = await h.createSignedInUser();
    const rotated = await rotateRefreshToken(deps, cy.refreshToken);
    expect(rotated).toMatchObject({ status: "rotated", userId: cy.id });
    clock.advance(deps.config.refreshReuseGraceSeconds * 1000);
    expect(await rotateRefreshToken(deps, cy.refreshToken)).toMatchObject({ status: "rotated", userId: cy.id });
    clock.advance(1);
    expect(await rotateRefreshToken(deps, cy.refreshToken)).toEqual({
      status: "reused",
      userId: cy.id,
      sessionId: h.sessionIdOf(cy.refreshToken),
    });
  });

  it("a signed-out session's tokens are refused, even the one spent within the grace window", async () => {
    const di = await h.createSignedInUser();
    const { refreshToken, token } = await h.caller().auth.refresh({ refreshToken: di.refreshToken });
    expect(h.sessionIdOf(refreshToken)).toBe(h.sessionIdOf(di.refreshToken));
    await h.caller(token).auth.signOut();
    expect(await rotateRefreshToken(h.deps, di.refreshToken)).toEqual({ status: "invalid" });
    expect(await rotateRefreshToken(h.deps, bodyRefreshToken(refreshToken))).toEqual({ status: "invalid" });
  });

  it("a refresh records the client it came from on the session", async () => {
    const ed = await h.createSignedInUser();
    const request = { ip: "203.0.113.9", userAgent: "the refreshing browser" };
    const { token } = await h.callerWith(request).auth.refresh({ refreshToken: ed.refreshToken });
    expect(await h.caller(token).auth.sessions.list()).toEqual([expect.objectContaining(request)]);
  });
});

describe("revokeSessions", () => {
  /** Every session of the user, in a transaction of its own (as the procedures run it). */
  const revokeAll = (userId: string) =>
    changeWithRegistry(h.deps, (tx, outbox) => revokeSessions(tx, outbox, { userId, now: h.deps.now() }));

  it("returns only the sessions this call revoked", async () => {
    const ana = await h.createSignedInUser();
    const second = await h.caller().auth.signIn({ email: ana.email, password: ana.password });
    await h.caller(ana.token).auth.signOut();
    const [signedOut, live] = [h.sessionIdOf(ana.refreshToken), h.sessionIdOf(second.refreshToken)];
    expect(await revokeAll(ana.id)).toEqual({ revoked: [live], alreadyRevoked: [signedOut] });
    const again = await revokeAll(ana.id);
    expect({ ...again, alreadyRevoked: again.alreadyRevoked.sort() }).toEqual({
      revoked: [],
      alreadyRevoked: [signedOut, live].sort(),
    });
  });

  it("leaves sessions that have expired alone: they are not counted as revoked", async () => {
    const fay = await h.createSignedInUser();
    const second = await h.caller().auth.signIn(credentialsOf(fay));
    const expired = h.sessionIdOf(fay.refreshToken);
    await h.deps.prisma.session.update({ where: { id: expired }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await revokeAll(fay.id)).toEqual({ revoked: [h.sessionIdOf(second.refreshToken)], alreadyRevoked: [] });
    expect(await h.deps.prisma.session.findUniqueOrThrow({ where: { id: expired } })).toMatchObject({
      isRevoked: false,
    });
    await h.deps.prisma.session.deleteMany({ where: { userId: fay.id } }); // the sweep's tests count what it deletes
  });

  it("of concurrent calls, each session is counted by exactly one", async () => {
    const cy = await h.createSignedInUser();
    for (let i = 0; i < 4; i++) await h.caller().auth.signIn({ email: cy.email, password: cy.password });
    const results = await Promise.all([1, 2, 3].map(() => revokeAll(cy.id)));
    const counted = results.flatMap(({ revoked }) => revoked);
    expect(counted).toHaveLength(5);
    expect(new Set(counted).size).toBe(5);
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

  it("a session is over at its expiry instant, not a millisecond later", async () => {
    const { refreshToken } = await h.createSignedInUser();
    const sessionId = h.sessionIdOf(refreshToken);
    const { expiresAt } = await h.deps.prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
    const at = (ms: number) => createSessionSource(h.deps.prisma, () => new Date(expiresAt.getTime() + ms));
    expect(await at(-1)(sessionId)).toMatchObject({ userId: anyString() });
    expect(await at(0)(sessionId)).toBeNull();
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

describe("the cap on live sessions per user (MAX_SESSIONS_PER_USER)", () => {
  const cap = 3;
  const cappedDeps = () => h.withConfig({ MAX_SESSIONS_PER_USER: String(cap) });
  const liveSessionsOf = (userId: string) =>
    h.deps.prisma.session.findMany({
      where: { userId, isRevoked: false, expiresAt: { gt: h.clock.now() } },
      select: { id: true },
    });
  /** How many of these access tokens still open a call. */
  const working = async (tokens: string[]) =>
    (await Promise.all(tokens.map((token) => codeOf(h.caller(token).auth.me())))).filter((code) => code === "OK")
      .length;

  it("a sign-in beyond the cap revokes the oldest session, in Postgres and the registry, and audits it", async () => {
    const deps = cappedDeps();
    const user = await h.createUser();
    const bystander = await h.createSignedInUser();
    const signIns = [];
    for (let i = 0; i <= cap; i++) signIns.push(await createCaller(deps).auth.signIn(credentialsOf(user)));
    const [oldest, ...rest] = signIns;
    if (!oldest) throw new Error("no sign-in");

    await expect(h.caller(oldest.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller().auth.refresh({ refreshToken: oldest.refreshToken })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await working(rest.map(({ token }) => token))).toBe(cap);
    const oldestId = h.sessionIdOf(oldest.refreshToken);
    expect((await liveSessionsOf(user.id)).map(({ id }) => id).sort()).toEqual(
      rest.map(({ refreshToken }) => h.sessionIdOf(refreshToken)).sort(),
    );
    const events = await h.deps.prisma.auditEvent.findMany({ where: { action: "session_revoke", subjectId: user.id } });
    expect(events).toEqual([
      expect.objectContaining({
        outcome: "success",
        actorId: user.id,
        details: { sessionIds: [oldestId], reason: "session_limit" },
      }),
    ]);
    await expect(h.caller(bystander.token).auth.me()).resolves.toMatchObject({ id: bystander.id });
  });

  it("only live sessions count: a signed-out one leaves room", async () => {
    const deps = cappedDeps();
    const user = await h.createUser();
    const tokens = [];
    for (let i = 0; i < cap; i++) tokens.push((await createCaller(deps).auth.signIn(credentialsOf(user))).token);
    await h.caller(tokens[0]).auth.signOut();
    tokens.push((await createCaller(deps).auth.signIn(credentialsOf(user))).token);
    expect(await working(tokens.slice(1))).toBe(cap);
  });

  it("only unexpired sessions count: an expired one leaves room", async () => {
    const deps = cappedDeps();
    const user = await h.createUser();
    const signIns = [];
    for (let i = 0; i < cap; i++) signIns.push(await createCaller(deps).auth.signIn(credentialsOf(user)));
    const newest = h.sessionIdOf(signIns[cap - 1]?.refreshToken ?? "");
    await h.deps.prisma.session.update({ where: { id: newest }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const tokens = [...signIns.slice(0, cap - 1).map(({ token }) => token)];
    tokens.push((await createCaller(deps).auth.signIn(credentialsOf(user))).token);
    expect(await working(tokens)).toBe(cap);
    await h.deps.prisma.session.deleteMany({ where: { userId: user.id } }); // the sweep's tests count what it deletes
  });

  it("parallel sign-ins at the cap never leave more than the cap live (serialised under the user's row lock)", async () => {
    const deps = cappedDeps();
    const user = await h.createUser();
    const { roles, rolesVersion } = await readForSignIn(user.id);
    for (let i = 0; i < cap; i++) await startSession(deps, { id: user.id, roles, rolesVersion });
    const started = await Promise.all(
      Array.from({ length: 8 }, () => startSession(deps, { id: user.id, roles, rolesVersion })),
    );
    expect(await liveSessionsOf(user.id)).toHaveLength(cap);
    expect(await working(started.map(({ token }) => token))).toBe(cap);
  });

  it("defaults to 20", () => {
    expect(h.deps.config.maxSessionsPerUser).toBe(20);
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

  it("keeps a session that expired less than a day ago", async () => {
    const { refreshToken } = await h.createSignedInUser();
    h.clock.advance(days(30) + days(1) - 60_000);
    await sweepExpiredSessions(h.deps);
    expect(await h.deps.prisma.session.findUnique({ where: { id: h.sessionIdOf(refreshToken) } })).not.toBeNull();
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
