import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSession } from "../session-lifecycle.js";
import { createTestHarness, type TestHarness } from "../test-support/harness.js";

let h: TestHarness;
let rootId: string;
let rootToken: string;
beforeAll(async () => {
  h = await createTestHarness();
  rootId = (await h.createUser({ email: "root@example.com", password: "root passphrase", roles: ["admin", "user"] }))
    .id;
  rootToken = await h.signIn("root@example.com", "root passphrase");
});
afterAll(() => h.close());

let count = 0;
async function newUser(roles = ["user"]) {
  const email = `user${++count}@example.com`;
  const { id } = await h.createUser({ email, password: "member passphrase", roles });
  return { id, email, token: await h.signIn(email, "member passphrase") };
}

describe("users.setRoles", () => {
  it("a promoted user gets in at once, with the token they already hold", async () => {
    const user = await newUser();
    await expect(h.caller(user.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const updated = await h.caller(rootToken).users.setRoles({ id: user.id, roles: ["user", "admin"] });
    expect(updated.roles).toEqual(["user", "admin"]);
    await expect(h.caller(user.token).users.list()).resolves.toMatchObject({ items: expect.any(Array) });
  });

  it("a demoted admin is FORBIDDEN at once, on every session", async () => {
    const admin = await newUser(["admin", "user"]);
    const secondDevice = await h.signIn(admin.email, "member passphrase");
    await expect(h.caller(admin.token).users.list()).resolves.toBeDefined();
    await h.caller(rootToken).users.setRoles({ id: admin.id, roles: ["user"] });
    await expect(h.caller(admin.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.caller(secondDevice).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.caller(admin.token).auth.me()).resolves.toMatchObject({ roles: ["user"] });
  });

  it("a sign-in that read the roles just before a demotion cannot bring the old role back", async () => {
    const admin = await newUser(["admin", "user"]);
    const stale = await h.deps.prisma.user.findUniqueOrThrow({
      where: { id: admin.id },
      select: { roles: true, rolesVersion: true },
    });
    await h.caller(rootToken).users.setRoles({ id: admin.id, roles: ["user"] });
    // the sign-in finishes after the demotion, with what it read before it
    await startSession(h.deps, { id: admin.id, ...stale });
    await expect(h.caller(admin.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("the role change holds even when the registry has lost its data", async () => {
    const user = await newUser();
    await h.caller(rootToken).users.setRoles({ id: user.id, roles: ["user", "admin"] });
    await h.forgetRegistry();
    await expect(h.caller(user.token).users.list()).resolves.toBeDefined();
  });

  it("the last admin cannot remove their own admin role", async () => {
    const { h: solo, token, id } = await soloAdmin();
    await expect(solo.caller(token).users.setRoles({ id, roles: ["user"] })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/last admin/),
    });
    await expect(solo.caller(token).users.list()).resolves.toBeDefined();
    await solo.close();
  });

  it("two admins demoting each other at the same moment cannot leave zero admins", async () => {
    const { h: pair, token, id } = await soloAdmin();
    const other = await pair.createUser({ email: "other@example.com", password: "other passphrase", roles: ["admin"] });
    const otherToken = await pair.signIn("other@example.com", "other passphrase");
    const results = await Promise.allSettled([
      pair.caller(token).users.setRoles({ id: other.id, roles: ["user"] }),
      pair.caller(otherToken).users.setRoles({ id, roles: ["user"] }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await pair.deps.prisma.user.count({ where: { roles: { has: "admin" } } })).toBe(1);
    await pair.close();
  });

  it("validates input and is for admins only", async () => {
    const user = await newUser();
    await expect(h.caller(user.token).users.setRoles({ id: user.id, roles: ["admin"] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(h.caller(rootToken).users.setRoles({ id: user.id, roles: [] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(h.caller(rootToken).users.setRoles({ id: user.id, roles: ["Not A Role!"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(h.caller(rootToken).users.setRoles({ id: "missing", roles: ["user"] })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("users.revokeSessions and users.delete", () => {
  it("revokeSessions ends every session of the user at once", async () => {
    const user = await newUser();
    const other = await h.caller().auth.signIn({ email: user.email, password: "member passphrase" });
    expect(await h.caller(rootToken).users.revokeSessions({ id: user.id })).toEqual({ revokedSessions: 2 });
    await expect(h.caller(user.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller().auth.refresh({ refreshToken: other.refreshToken })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(h.caller(rootToken).users.revokeSessions({ id: "missing" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("delete removes the user and kills their tokens; the last admin cannot be deleted", async () => {
    const user = await newUser();
    await expect(h.caller(rootToken).users.delete({ id: user.id })).resolves.toEqual({ success: true });
    await expect(h.caller(user.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(rootToken).users.findById(user.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await h.deps.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    await expect(h.caller(rootToken).users.delete({ id: user.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const { h: solo, token, id } = await soloAdmin();
    await expect(solo.caller(token).users.delete({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    await solo.close();
  });
});

describe("audit trail", () => {
  it("records who did what to whom, and audit.list filters and pages it for admins", async () => {
    const user = await newUser();
    await h.caller(rootToken).users.setRoles({ id: user.id, roles: ["user", "support"] });
    await h.caller(rootToken).users.revokeSessions({ id: user.id });
    await h.caller(rootToken).users.delete({ id: user.id });

    const { items } = await h.caller(rootToken).audit.list({ subjectId: user.id });
    expect(items.map((e) => e.action)).toEqual(["user_delete", "session_revoke", "role_change"]);
    expect(items[2]).toMatchObject({
      actorId: rootId,
      outcome: "success",
      details: { before: ["user"], after: ["user", "support"] },
    });

    const failures = await h.caller(rootToken).audit.list({ action: "sign_in", outcome: "failure" });
    expect(failures.items.every((e) => e.action === "sign_in" && e.outcome === "failure")).toBe(true);

    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.caller(rootToken).audit.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      for (const event of page.items) seen.add(event.id);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(await h.deps.prisma.auditEvent.count());
    expect(pages).toBeGreaterThan(1);

    await expect(h.caller(user.token).audit.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const member = await newUser();
    await expect(h.caller(member.token).audit.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.caller(rootToken).audit.list({ action: "made_up" } as never)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

/** A separate database with exactly one admin. */
async function soloAdmin() {
  const solo = await createTestHarness();
  const { id } = await solo.createUser({
    email: "only-admin@example.com",
    password: "admin passphrase",
    roles: ["admin", "user"],
  });
  return { h: solo, id, token: await solo.signIn("only-admin@example.com", "admin passphrase") };
}
