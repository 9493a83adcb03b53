import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestHarness, type TestHarness } from "../test-support/harness.js";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

const countRows = async () => ({
  users: await h.deps.prisma.user.count(),
  sessions: await h.deps.prisma.session.count(),
});

describe("auth.signUp", () => {
  it("creates a user with the role `user` only and signs them in", async () => {
    const result = await h
      .caller()
      .auth.signUp({ email: "  Dana@Example.COM ", name: " Dana ", password: "a fine passphrase" });
    expect(result.user).toMatchObject({ email: "dana@example.com", name: "Dana", roles: ["user"] });
    expect(result.refreshToken).toEqual(expect.any(String));
    await expect(h.caller(result.token).auth.me()).resolves.toMatchObject({ email: "dana@example.com" });
    expect(JSON.stringify(result)).not.toMatch(/argon2/);
  });

  it("a taken email, in any case, is CONFLICT and writes nothing", async () => {
    await h.caller().auth.signUp({ email: "erin@example.com", name: "Erin", password: "erin's passphrase" });
    const before = await countRows();
    await expect(
      h.caller().auth.signUp({ email: "ERIN@example.com", name: "Erin 2", password: "another passphrase" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "An account with this email already exists",
    });
    expect(await countRows()).toEqual(before);
  });

  it.each([
    ["roles (mass assignment)", { roles: ["admin"] }],
    ["an unknown key", { isAdmin: true }],
    ["an id", { id: "chosen-id" }],
  ])("rejects %s with BAD_REQUEST and writes nothing", async (_, extra) => {
    const before = await countRows();
    const input = { email: "mallory@example.com", name: "Mallory", password: "mallory passphrase", ...extra };
    await expect(h.caller().auth.signUp(input as never)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/Unrecognized key/),
    });
    expect(await countRows()).toEqual(before);
    expect(await h.deps.prisma.user.findUnique({ where: { email: "mallory@example.com" } })).toBeNull();
  });

  it.each([
    ["7 characters", "abcdefg", /at least 8 characters/],
    ["129 characters", "x".repeat(129), /at most 128 characters/],
    ["a common password", "Password123", /most common passwords/],
    ["a number", 12345678, /must be a string/],
  ])("refuses a password of %s with a clear message", async (_, password, message) => {
    await expect(
      h.caller().auth.signUp({ email: "frank@example.com", name: "Frank", password } as never),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(message),
    });
    expect(await h.deps.prisma.user.count({ where: { email: "frank@example.com" } })).toBe(0);
  });

  it("counts characters, not bytes: 8 emoji are a valid password, and nothing is truncated", async () => {
    const password = "🔑🔒🗝️🔐🔓🛡️🧩🎲";
    const { user } = await h.caller().auth.signUp({ email: "gwen@example.com", name: "Gwen", password });
    expect(user.email).toBe("gwen@example.com");
    await expect(h.caller().auth.signIn({ email: "gwen@example.com", password })).resolves.toMatchObject({
      user: { id: user.id },
    });
    const long = `${"ж".repeat(127)}a`;
    await h.caller().auth.signUp({ email: "hugo@example.com", name: "Hugo", password: long });
    await expect(
      h.caller().auth.signIn({ email: "hugo@example.com", password: `${"ж".repeat(127)}b` }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("rejects a malformed email or an empty name", async () => {
    await expect(
      h.caller().auth.signUp({ email: "nope", name: "X", password: "good passphrase" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      h.caller().auth.signUp({ email: "ivy@example.com", name: "  ", password: "good passphrase" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/Name is required/),
    });
  });
});
