import { describe, expect, it } from "vitest";

import { credentialsOf, type TestUser } from "../test-support/harness.js";
import { useTestHarness } from "../test-support/hooks.js";
import { anyDate } from "../test-support/matchers.js";

const h = useTestHarness();

const signInFrom = (user: TestUser, ip: string, userAgent: string) =>
  h.callerWith({ ip, userAgent }).auth.signIn(credentialsOf(user));

describe("auth.sessions.list", () => {
  it("lists the caller's live sessions with device details, marking the current one", async () => {
    const [alice, bob] = [await h.createUser(), await h.createUser()];
    const laptop = await signInFrom(alice, "10.0.0.1", "Firefox on Linux");
    const phone = await signInFrom(alice, "10.0.0.2", "Safari on iOS");
    await signInFrom(bob, "10.0.0.3", "Chrome");
    const sessions = await h.caller(phone.token).auth.sessions.list();
    expect(sessions.map((s) => s.userAgent).sort()).toEqual(["Firefox on Linux", "Safari on iOS"]);
    expect(sessions.find((s) => s.isCurrent)).toMatchObject({ userAgent: "Safari on iOS", ip: "10.0.0.2" });
    expect(sessions.find((s) => s.userAgent === "Firefox on Linux")).toMatchObject({
      isCurrent: false,
      ip: "10.0.0.1",
      createdAt: anyDate(),
      lastUsedAt: anyDate(),
      expiresAt: anyDate(),
    });
    await h.caller(laptop.token).auth.signOut();
    expect((await h.caller(phone.token).auth.sessions.list()).map((s) => s.userAgent)).toEqual(["Safari on iOS"]);
  });

  it("leaves out sessions that have expired, and lists newest first (one instant: by id, descending)", async () => {
    const alice = await h.createUser();
    const [expired, older, sameA, sameB] = [
      await signInFrom(alice, "10.0.0.1", "expired"),
      await signInFrom(alice, "10.0.0.2", "older"),
      await signInFrom(alice, "10.0.0.3", "same instant"),
      await signInFrom(alice, "10.0.0.4", "same instant"),
    ].map(({ refreshToken }) => h.sessionIdOf(refreshToken)) as [string, string, string, string];
    await h.deps.prisma.session.update({ where: { id: expired }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // creation order is not list order: the oldest is updated last, the two newest share an instant
    const newest = [sameA, sameB].sort().reverse();
    for (const id of [...newest].reverse()) {
      await h.deps.prisma.session.update({ where: { id }, data: { createdAt: new Date("2000-01-02T00:00:00Z") } });
    }
    await h.deps.prisma.session.update({ where: { id: older }, data: { createdAt: new Date("2000-01-01T00:00:00Z") } });
    const { token } = await signInFrom(alice, "10.0.0.5", "current");
    const listed = await h.caller(token).auth.sessions.list();
    expect(listed.slice(1).map(({ id }) => id)).toEqual([...newest, older]);
    expect(listed[0]).toMatchObject({ userAgent: "current", isCurrent: true });
  });

  it("needs a signed-in caller", async () => {
    await expect(h.caller().auth.sessions.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("auth.sessions.revoke", () => {
  it("revokes one of the caller's own sessions at once", async () => {
    const alice = await h.createSignedInUser();
    const lost = await h.caller().auth.signIn(credentialsOf(alice));
    await expect(h.caller(alice.token).auth.sessions.revoke({ id: h.sessionIdOf(lost.refreshToken) })).resolves.toEqual(
      { success: true },
    );
    await expect(h.caller(lost.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller().auth.refresh({ refreshToken: lost.refreshToken })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(h.caller(alice.token).auth.me()).resolves.toMatchObject({ email: alice.email });
  });

  it("records the revocation in the audit trail: who, and which session", async () => {
    const alice = await h.createSignedInUser();
    const lost = h.sessionIdOf((await h.caller().auth.signIn(credentialsOf(alice))).refreshToken);
    await h.caller(alice.token).auth.sessions.revoke({ id: lost });
    expect(await h.deps.prisma.auditEvent.findMany({ where: { actorId: alice.id, action: "session_revoke" } })).toEqual(
      [expect.objectContaining({ outcome: "success", details: { sessionIds: [lost] } })],
    );
  });

  it("an own session that has already ended can be revoked again (a retry succeeds)", async () => {
    const alice = await h.createSignedInUser();
    const ended = await h.caller().auth.signIn(credentialsOf(alice));
    await h.caller(ended.token).auth.signOut();
    await expect(
      h.caller(alice.token).auth.sessions.revoke({ id: h.sessionIdOf(ended.refreshToken) }),
    ).resolves.toEqual({ success: true });
  });

  it("another user's session id is NOT_FOUND, like an unknown one, and that session lives on (IDOR)", async () => {
    const mallory = await h.createSignedInUser();
    const victim = await h.createSignedInUser();
    const victimSessionId = h.sessionIdOf(victim.refreshToken);
    await expect(h.caller(mallory.token).auth.sessions.revoke({ id: victimSessionId })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `No session with id '${victimSessionId}'`,
    });
    await expect(h.caller(mallory.token).auth.sessions.revoke({ id: "no-such-session" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(h.caller(victim.token).auth.me()).resolves.toMatchObject({ email: victim.email });
    expect((await h.deps.prisma.session.findUniqueOrThrow({ where: { id: victimSessionId } })).isRevoked).toBe(false);
  });

  it("needs a signed-in caller and a session id", async () => {
    await expect(h.caller().auth.sessions.revoke({ id: "some-session" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    const { token } = await h.createSignedInUser();
    await expect(h.caller(token).auth.sessions.revoke({} as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("auth.sessions.revokeOthers", () => {
  it("ends every session but the caller's", async () => {
    const alice = await h.createSignedInUser();
    const signIn = () => h.caller().auth.signIn(credentialsOf(alice));
    const others = [alice, await signIn()];
    const current = await signIn();
    await expect(h.caller(current.token).auth.sessions.revokeOthers()).resolves.toEqual({ revokedSessions: 2 });
    for (const { token } of others)
      await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(current.token).auth.me()).resolves.toMatchObject({ email: alice.email });
    expect(await h.caller(current.token).auth.sessions.list()).toEqual([expect.objectContaining({ isCurrent: true })]);
  });

  it("counts only the sessions it ended, not those already signed out, and audits those", async () => {
    const alice = await h.createSignedInUser();
    const signIn = () => h.caller().auth.signIn(credentialsOf(alice));
    const live = await signIn();
    await h.caller(alice.token).auth.signOut();
    const current = await signIn();
    await expect(h.caller(current.token).auth.sessions.revokeOthers()).resolves.toEqual({ revokedSessions: 1 });
    await expect(h.caller(current.token).auth.sessions.revokeOthers()).resolves.toEqual({ revokedSessions: 0 });
    const events = await h.deps.prisma.auditEvent.findMany({
      where: { action: "session_revoke", actorId: alice.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(events.map(({ outcome, details }) => ({ outcome, details }))).toEqual([
      { outcome: "success", details: { sessionIds: [h.sessionIdOf(live.refreshToken)] } },
      { outcome: "success", details: { sessionIds: [] } },
    ]);
  });

  it("needs a signed-in caller", async () => {
    await expect(h.caller().auth.sessions.revokeOthers()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
