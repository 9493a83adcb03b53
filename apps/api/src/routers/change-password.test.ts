import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSession } from "../session-lifecycle.js";
import { createTestHarness, type TestHarness } from "../test-support/harness.js";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

describe("auth.changePassword", () => {
  it("verifies the current password, keeps the current session and ends every other", async () => {
    await h.createUser({ email: "kim@example.com", password: "old passphrase" });
    const other = await h.caller().auth.signIn({ email: "kim@example.com", password: "old passphrase" });
    const current = await h.caller().auth.signIn({ email: "kim@example.com", password: "old passphrase" });

    await expect(
      h.caller(current.token).auth.changePassword({ currentPassword: "old passphrase", newPassword: "new passphrase" }),
    ).resolves.toEqual({ success: true, revokedSessions: 1 });

    await expect(h.caller(current.token).auth.me()).resolves.toMatchObject({ email: "kim@example.com" });
    await expect(h.caller(other.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller().auth.refresh({ refreshToken: other.refreshToken })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(
      h.caller().auth.signIn({ email: "kim@example.com", password: "old passphrase" }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(
      h.caller().auth.signIn({ email: "kim@example.com", password: "new passphrase" }),
    ).resolves.toBeDefined();
    const events = await h.deps.prisma.auditEvent.findMany({ where: { action: "password_change" } });
    expect(events).toEqual([expect.objectContaining({ outcome: "success", details: { revokedSessions: 1 } })]);
  });

  it("a sign-in that verified the old password cannot open a session once the password has changed", async () => {
    const { id } = await h.createUser({ email: "nia@example.com", password: "old passphrase" });
    const { token } = await h.caller().auth.signIn({ email: "nia@example.com", password: "old passphrase" });
    const {
      passwordHash: verifiedHash,
      roles,
      rolesVersion,
    } = await h.deps.prisma.user.findUniqueOrThrow({ where: { id } });
    await h.caller(token).auth.changePassword({ currentPassword: "old passphrase", newPassword: "new passphrase" });
    // the sign-in's verification happened before the change; its session would be opened after it
    expect(
      await startSession(h.deps, { id, roles, rolesVersion }, {}, { whilePasswordHashIs: verifiedHash }),
    ).toBeNull();
    expect(await h.deps.prisma.session.count({ where: { userId: id, isRevoked: false } })).toBe(1);
  });

  it("a wrong current password is 'invalid credentials' and changes nothing", async () => {
    await h.createUser({ email: "lee@example.com", password: "lee passphrase" });
    const { token } = await h.caller().auth.signIn({ email: "lee@example.com", password: "lee passphrase" });
    const before = await h.deps.prisma.user.findUniqueOrThrow({ where: { email: "lee@example.com" } });
    await expect(
      h.caller(token).auth.changePassword({ currentPassword: "not my passphrase", newPassword: "new passphrase" }),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "invalid credentials",
    });
    expect((await h.deps.prisma.user.findUniqueOrThrow({ where: { email: "lee@example.com" } })).passwordHash).toBe(
      before.passwordHash,
    );
  });

  it("applies the password policy to the new password", async () => {
    await h.createUser({ email: "max@example.com", password: "max passphrase" });
    const { token } = await h.caller().auth.signIn({ email: "max@example.com", password: "max passphrase" });
    await expect(
      h.caller(token).auth.changePassword({ currentPassword: "max passphrase", newPassword: "password123" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/most common passwords/),
    });
    await expect(
      h.caller(token).auth.changePassword({ currentPassword: "max passphrase", newPassword: "short" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      h.caller().auth.changePassword({ currentPassword: "max passphrase", newPassword: "new passphrase" }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("is rate limited like sign-in, so a stolen token cannot guess the password", async () => {
    await h.createUser({ email: "ola@example.com", password: "ola passphrase" });
    const { token } = await h.caller().auth.signIn({ email: "ola@example.com", password: "ola passphrase" });
    const codes = [];
    for (let i = 0; i < 8; i++) {
      codes.push(
        await h
          .caller(token)
          .auth.changePassword({ currentPassword: `guess number ${i}`, newPassword: "new passphrase" })
          .then(
            () => "OK",
            (error: { code: string }) => error.code,
          ),
      );
    }
    expect(codes).toContain("TOO_MANY_REQUESTS");
    expect(codes.indexOf("TOO_MANY_REQUESTS")).toBe(6); // 5 free attempts and the one that earns the first delay
  });
});
