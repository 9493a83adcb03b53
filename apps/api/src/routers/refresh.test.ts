import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { createTestHarness, type TestHarness } from "../test-support/harness.js";

const alice = { email: "alice@example.com", password: "alice passphrase" };
let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
  await h.createUser(alice);
});
afterAll(() => h.close());
afterEach(() => vi.useRealTimers());

const signIn = () => h.caller().auth.signIn(alice);
const refresh = (refreshToken: string) => h.caller().auth.refresh({ refreshToken });
const advanceClock = (ms: number) => vi.setSystemTime(Date.now() + ms);

describe("auth.refresh", () => {
  it("rotates: a new access token and a new refresh token; the old refresh token is spent", async () => {
    const first = await signIn();
    const second = await refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(h.caller(second.token).auth.me()).resolves.toMatchObject({ email: alice.email });
    const third = await refresh(second.refreshToken);
    await expect(h.caller(third.token).auth.me()).resolves.toMatchObject({ email: alice.email });
  });

  it("keeps a session going past its access token's expiry (fake clock)", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const { token, refreshToken } = await signIn();
    advanceClock(16 * 60 * 1000);
    await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const renewed = await refresh(refreshToken);
    await expect(h.caller(renewed.token).auth.me()).resolves.toMatchObject({ email: alice.email });
  });

  it("replaying a spent token (rotated three times, replay the first) revokes every token of the session", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const first = await signIn();
    const second = await refresh(first.refreshToken);
    advanceClock(10_000);
    const third = await refresh(second.refreshToken);
    advanceClock(10_000);
    const fourth = await refresh(third.refreshToken);
    advanceClock(10_000);

    await expect(refresh(first.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    for (const { token } of [first, second, third, fourth]) {
      await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(refresh(fourth.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const events = await h.deps.prisma.auditEvent.findMany({ where: { action: "refresh_reuse_detected" } });
    expect(events).toHaveLength(1);
  });

  it("within the grace window a duplicate refresh (two tabs) gets the same result and the session lives", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const { refreshToken } = await signIn();
    const tabOne = await refresh(refreshToken);
    advanceClock(2_000);
    const tabTwo = await refresh(refreshToken);
    expect(tabTwo.refreshToken).toBe(tabOne.refreshToken);
    await expect(h.caller(tabTwo.token).auth.me()).resolves.toMatchObject({ email: alice.email });
    await expect(refresh(tabOne.refreshToken)).resolves.toMatchObject({ token: expect.any(String) });
  });

  it("after the grace window the same duplicate counts as reuse", async () => {
    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const { refreshToken } = await signIn();
    const rotated = await refresh(refreshToken);
    advanceClock((h.deps.config.refreshReuseGraceSeconds + 1) * 1000);
    await expect(refresh(refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(rotated.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("parallel refreshes of one token produce at most one new token", async () => {
    const { refreshToken } = await signIn();
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(refreshToken)));
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1);
    const { sessionId } = h.deps.refreshTokens.read(refreshToken)!;
    const session = await h.deps.prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
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
    const { refreshToken } = await signIn();
    const [sessionId, , mac] = refreshToken.split(".");
    await expect(refresh(`${sessionId}.7.${mac}`)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses the refresh token of a signed-out session, and of an expired one (fake clock)", async () => {
    const signedOut = await signIn();
    await h.caller(signedOut.token).auth.signOut();
    await expect(refresh(signedOut.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    vi.useFakeTimers({ now: new Date(), toFake: ["Date"] });
    const expiring = await signIn();
    advanceClock(31 * 24 * 60 * 60 * 1000);
    await expect(refresh(expiring.refreshToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("rejects wrong input types with BAD_REQUEST", async () => {
    await expect(h.caller().auth.refresh({ refreshToken: 42 } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(h.caller().auth.refresh({} as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
