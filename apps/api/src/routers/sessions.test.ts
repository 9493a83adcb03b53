import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { sweepExpiredSessions } from "../session-lifecycle.js";
import { createTestHarness, type TestHarness } from "../test-support/harness.js";

const alice = { email: "alice@example.com", password: "alice passphrase" };
const bob = { email: "bob@example.com", password: "bob's passphrase" };
let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
  await h.createUser(alice);
  await h.createUser(bob);
});
afterAll(() => h.close());
afterEach(() => vi.useRealTimers());

const signInFrom = (user: typeof alice, ip: string, userAgent: string) =>
  h.callerWith({ ip, userAgent }).auth.signIn(user);

describe("auth.sessions", () => {
  it("lists the caller's live sessions with device details, marking the current one", async () => {
    const laptop = await signInFrom(alice, "10.0.0.1", "Firefox on Linux");
    const phone = await signInFrom(alice, "10.0.0.2", "Safari on iOS");
    await signInFrom(bob, "10.0.0.3", "Chrome");
    const sessions = await h.caller(phone.token).auth.sessions.list();
    const mine = sessions.filter((s) => ["Firefox on Linux", "Safari on iOS"].includes(s.userAgent ?? ""));
    expect(mine).toHaveLength(2);
    expect(sessions.every((s) => s.userAgent !== "Chrome")).toBe(true);
    expect(sessions.find((s) => s.isCurrent)).toMatchObject({ userAgent: "Safari on iOS", ip: "10.0.0.2" });
    expect(sessions.find((s) => s.userAgent === "Firefox on Linux")).toMatchObject({
      isCurrent: false,
      createdAt: expect.any(Date),
      lastUsedAt: expect.any(Date),
      expiresAt: expect.any(Date),
    });
    await h.caller(laptop.token).auth.signOut();
    expect((await h.caller(phone.token).auth.sessions.list()).some((s) => s.userAgent === "Firefox on Linux")).toBe(
      false,
    );
  });

  it("revokes one of the caller's own sessions at once", async () => {
    const keep = await h.caller().auth.signIn(alice);
    const lost = await h.caller().auth.signIn(alice);
    const lostId = h.deps.refreshTokens.read(lost.refreshToken)!.sessionId;
    await expect(h.caller(keep.token).auth.sessions.revoke({ id: lostId })).resolves.toEqual({ success: true });
    await expect(h.caller(lost.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller().auth.refresh({ refreshToken: lost.refreshToken })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(h.caller(keep.token).auth.me()).resolves.toMatchObject({ email: alice.email });
  });

  it("another user's session id is NOT_FOUND, like an unknown one, and that session lives on (IDOR)", async () => {
    const mallory = await h.caller().auth.signIn(bob);
    const victim = await h.caller().auth.signIn(alice);
    const victimSessionId = h.deps.refreshTokens.read(victim.refreshToken)!.sessionId;
    await expect(h.caller(mallory.token).auth.sessions.revoke({ id: victimSessionId })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `No session with id '${victimSessionId}'`,
    });
    await expect(h.caller(mallory.token).auth.sessions.revoke({ id: "no-such-session" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(h.caller(victim.token).auth.me()).resolves.toMatchObject({ email: alice.email });
    expect((await h.deps.prisma.session.findUniqueOrThrow({ where: { id: victimSessionId } })).isRevoked).toBe(false);
  });

  it("revokeOthers ends every session but the caller's", async () => {
    const others = [await h.caller().auth.signIn(alice), await h.caller().auth.signIn(alice)];
    const current = await h.caller().auth.signIn(alice);
    const { revokedSessions } = await h.caller(current.token).auth.sessions.revokeOthers();
    expect(revokedSessions).toBeGreaterThanOrEqual(2);
    for (const { token } of others)
      await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(current.token).auth.me()).resolves.toMatchObject({ email: alice.email });
    expect(await h.caller(current.token).auth.sessions.list()).toEqual([expect.objectContaining({ isCurrent: true })]);
  });

  it("needs a signed-in caller and a session id", async () => {
    await expect(h.caller().auth.sessions.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const { token } = await h.caller().auth.signIn(alice);
    await expect(h.caller(token).auth.sessions.revoke({} as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("expired sessions", () => {
  it("are refused on access and deleted by the sweep a day after expiry (fake clock)", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const { refreshToken } = await h.caller().auth.signIn(bob);
    const { sessionId } = h.deps.refreshTokens.read(refreshToken)!;
    vi.setSystemTime(Date.now() + 30 * 86_400_000 + 1000);
    await expect(h.caller().auth.refresh({ refreshToken })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await sweepExpiredSessions(h.deps)).toBe(0);
    vi.setSystemTime(Date.now() + 86_400_000);
    expect(await sweepExpiredSessions(h.deps)).toBeGreaterThanOrEqual(1);
    expect(await h.deps.prisma.session.findUnique({ where: { id: sessionId } })).toBeNull();
  });
});
