import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestHarness, type TestHarness } from "../test-support/harness.js";

let h: TestHarness;
let adminToken: string;
let userToken: string;
let userId: string;
beforeAll(async () => {
  h = await createTestHarness();
  await h.createUser({ email: "root@example.com", password: "root-password-1", roles: ["admin", "user"] });
  userId = (await h.createUser({ email: "bob@example.com", password: "bob-password-1" })).id;
  for (let i = 0; i < 5; i++) await h.createUser({ email: `member${i}@example.com`, password: "member-password" });
  adminToken = await h.signIn("root@example.com", "root-password-1");
  userToken = await h.signIn("bob@example.com", "bob-password-1");
});
afterAll(() => h.close());

describe("users.findById", () => {
  it("any signed-in user can read a user, never the password hash", async () => {
    const user = await h.caller(userToken).users.findById(userId);
    expect(user).toEqual({
      id: userId,
      email: "bob@example.com",
      name: "bob",
      roles: ["user"],
      createdAt: expect.any(Date),
    });
  });

  it("an unknown id is NOT_FOUND with the id in the message", async () => {
    await expect(h.caller(userToken).users.findById("nope")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No user with id 'nope'",
    });
  });

  it("needs a signed-in caller and a string id", async () => {
    await expect(h.caller().users.findById(userId)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(userToken).users.findById(42 as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(h.caller(userToken).users.findById("")).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("users.list", () => {
  it("is for admins only", async () => {
    await expect(h.caller().users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(userToken).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("pages through every user exactly once with a cursor", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.caller(adminToken).users.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    for (const item of (await h.caller(adminToken).users.list()).items) expect(item).not.toHaveProperty("passwordHash");
  });

  it("rejects a bad limit with BAD_REQUEST", async () => {
    await expect(h.caller(adminToken).users.list({ limit: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(h.caller(adminToken).users.list({ limit: 1000 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("roles are read on every call, not from the token", () => {
  it("a role granted in Postgres and the registry applies to an existing token at once", async () => {
    await expect(h.caller(userToken).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await h.deps.prisma.user.update({ where: { id: userId }, data: { roles: ["user", "admin"], rolesVersion: 1 } });
    await h.deps.registry.setRoles(userId, { roles: ["user", "admin"], version: 1 });
    await expect(h.caller(userToken).users.list()).resolves.toMatchObject({ items: expect.any(Array) });
    await h.deps.prisma.user.update({ where: { id: userId }, data: { roles: ["user"], rolesVersion: 2 } });
    await h.deps.registry.setRoles(userId, { roles: ["user"], version: 2 });
    await expect(h.caller(userToken).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
