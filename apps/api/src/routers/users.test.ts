import { describe, expect, it } from "vitest";

import { createCaller } from "../caller.js";
import { startSession } from "../session-lifecycle.js";
import { credentialsOf } from "../test-support/harness.js";
import { createTestHarnessForThisTest, useTestHarness } from "../test-support/hooks.js";
import { canInterleave, pauseBeforeNewSession } from "../test-support/interleave.js";
import { anyDate, stringMatching } from "../test-support/matchers.js";

const h = useTestHarness();

const admin = ["admin", "user"];
/** A new admin, signed in. Other tests' admins may exist: see soloAdmin for a database with one. */
const createAdmin = () => h.createSignedInUser({ roles: admin });

/** A database of its own with exactly one admin, signed in. */
async function soloAdmin() {
  const solo = await createTestHarnessForThisTest();
  const only = await solo.createSignedInUser({ roles: admin });
  return { h: solo, id: only.id, token: only.token };
}

describe("users.findById", () => {
  it("any signed-in user can read a user, never the password hash", async () => {
    const reader = await h.createSignedInUser();
    const bob = await h.createUser({ name: "bob" });
    const user = await h.caller(reader.token).users.findById(bob.id);
    expect(user).toEqual({
      id: bob.id,
      email: bob.email,
      name: "bob",
      roles: ["user"],
      createdAt: anyDate(),
    });
  });

  it("an unknown id is NOT_FOUND with the id in the message", async () => {
    const { token } = await h.createSignedInUser();
    await expect(h.caller(token).users.findById("nope")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No user with id 'nope'",
    });
  });

  it("needs a signed-in caller and a string id", async () => {
    const { id, token } = await h.createSignedInUser();
    await expect(h.caller().users.findById(id)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(token).users.findById(42 as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(h.caller(token).users.findById("")).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("users.list", () => {
  it("is for admins only", async () => {
    const { token } = await h.createSignedInUser();
    await expect(h.caller().users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("pages through every user exactly once with a cursor, oldest first", async () => {
    const root = await createAdmin();
    const members = [];
    for (let i = 0; i < 5; i++) members.push(await h.createUser());
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.caller(root.token).users.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(await h.deps.prisma.user.count());
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 3));
    const mine = [root, ...members].map((u) => u.email);
    expect(seen.filter((email) => mine.includes(email))).toEqual(mine);
    for (const item of (await h.caller(root.token).users.list()).items) expect(item).not.toHaveProperty("passwordHash");
  });

  it("orders by creation time, not by insertion, and users created at one instant by id", async () => {
    const root = await createAdmin();
    const [later, first, second] = [await h.createUser(), await h.createUser(), await h.createUser()];
    const ids = [first.id, second.id].sort();
    // inserted last, but created earliest; the two sharing an instant are updated in reverse id order
    const instant = new Date("2000-01-01T00:00:00Z");
    for (const id of [...ids].reverse())
      await h.deps.prisma.user.update({ where: { id }, data: { createdAt: instant } });
    await h.deps.prisma.user.update({ where: { id: later.id }, data: { createdAt: new Date("2000-01-02T00:00:00Z") } });
    const { items } = await h.caller(root.token).users.list({ limit: 3 });
    expect(items.map(({ id }) => id)).toEqual([...ids, later.id]);
  });

  it("rejects a bad limit with BAD_REQUEST", async () => {
    const root = await createAdmin();
    await expect(h.caller(root.token).users.list({ limit: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(h.caller(root.token).users.list({ limit: 1000 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("users.setRoles", () => {
  it("a promoted user gets in at once, with the token they already hold", async () => {
    const [root, user] = [await createAdmin(), await h.createSignedInUser()];
    await expect(h.caller(user.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const updated = await h.caller(root.token).users.setRoles({ id: user.id, roles: ["user", "admin"] });
    expect(updated.roles).toEqual(["user", "admin"]);
    expect((await h.caller(user.token).users.list()).items).toBeInstanceOf(Array);
  });

  it("a demoted admin is FORBIDDEN at once, on every session", async () => {
    const [root, demoted] = [await createAdmin(), await createAdmin()];
    const secondDevice = await h.signIn(demoted.email, demoted.password);
    await expect(h.caller(demoted.token).users.list()).resolves.toBeDefined();
    await h.caller(root.token).users.setRoles({ id: demoted.id, roles: ["user"] });
    await expect(h.caller(demoted.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.caller(secondDevice).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.caller(demoted.token).auth.me()).resolves.toMatchObject({ roles: ["user"] });
  });

  it("a sign-in that read the roles just before a demotion cannot bring the old role back", async () => {
    const [root, demoted] = [await createAdmin(), await createAdmin()];
    const stale = await h.deps.prisma.user.findUniqueOrThrow({
      where: { id: demoted.id },
      select: { roles: true, rolesVersion: true },
    });
    await h.caller(root.token).users.setRoles({ id: demoted.id, roles: ["user"] });
    // the sign-in finishes after the demotion, with what it read before it
    await startSession(h.deps, { id: demoted.id, ...stale });
    await expect(h.caller(demoted.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("the role change holds even when the registry has lost its data", async () => {
    const [root, user] = [await createAdmin(), await h.createSignedInUser()];
    await h.caller(root.token).users.setRoles({ id: user.id, roles: ["user", "admin"] });
    await h.forgetRegistry();
    await expect(h.caller(user.token).users.list()).resolves.toBeDefined();
  });

  it("the last admin cannot remove their own admin role", async () => {
    const { h: solo, token, id } = await soloAdmin();
    await expect(solo.caller(token).users.setRoles({ id, roles: ["user"] })).rejects.toMatchObject({
      code: "CONFLICT",
      message: stringMatching(/last admin/),
    });
    await expect(solo.caller(token).users.list()).resolves.toBeDefined();
    expect(await solo.deps.prisma.auditEvent.findMany({ where: { action: "role_change" } })).toEqual([
      expect.objectContaining({
        outcome: "failure",
        actorId: id,
        subjectId: id,
        details: { reason: "last_admin", roles: ["user"] },
      }),
    ]);
  });

  it("the last admin may change their roles when admin stays among them", async () => {
    const { h: solo, token, id } = await soloAdmin();
    await expect(solo.caller(token).users.setRoles({ id, roles: ["admin", "support"] })).resolves.toMatchObject({
      roles: ["admin", "support"],
    });
  });

  it("two admins demoting each other at the same moment cannot leave zero admins", async () => {
    const { h: pair, token, id } = await soloAdmin();
    const other = await pair.createSignedInUser({ roles: ["admin"] });
    const results = await Promise.allSettled([
      pair.caller(token).users.setRoles({ id: other.id, roles: ["user"] }),
      pair.caller(other.token).users.setRoles({ id, roles: ["user"] }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await pair.deps.prisma.user.count({ where: { roles: { has: "admin" } } })).toBe(1);
  });

  it("validates input and is for admins only", async () => {
    const [root, user] = [await createAdmin(), await h.createSignedInUser()];
    await expect(h.caller(user.token).users.setRoles({ id: user.id, roles: ["admin"] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(h.caller(root.token).users.setRoles({ id: user.id, roles: [] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(h.caller(root.token).users.setRoles({ id: user.id, roles: ["Not A Role!"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(h.caller(root.token).users.setRoles({ id: "missing", roles: ["user"] })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("roles are read on every call, not from the token", () => {
  it("a role granted in Postgres and the registry applies to an existing token at once", async () => {
    const { id, token } = await h.createSignedInUser();
    await expect(h.caller(token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await h.deps.prisma.user.update({ where: { id }, data: { roles: ["user", "admin"], rolesVersion: 1 } });
    await h.deps.registry.setRoles(id, { roles: ["user", "admin"], version: 1 });
    expect((await h.caller(token).users.list()).items).toBeInstanceOf(Array);
    await h.deps.prisma.user.update({ where: { id }, data: { roles: ["user"], rolesVersion: 2 } });
    await h.deps.registry.setRoles(id, { roles: ["user"], version: 2 });
    await expect(h.caller(token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("users.revokeSessions", () => {
  it("ends every session of the user at once", async () => {
    const [root, user] = [await createAdmin(), await h.createSignedInUser()];
    const other = await h.caller().auth.signIn(credentialsOf(user));
    expect(await h.caller(root.token).users.revokeSessions({ id: user.id })).toEqual({ revokedSessions: 2 });
    await expect(h.caller(user.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller().auth.refresh({ refreshToken: other.refreshToken })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(h.caller(root.token).users.revokeSessions({ id: "missing" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("counts only the sessions this call ended: signed-out ones are not counted, and a repeat ends none", async () => {
    const [root, user] = [await createAdmin(), await h.createSignedInUser()];
    await h.caller().auth.signIn(credentialsOf(user));
    await h.caller(user.token).auth.signOut();
    expect(await h.caller(root.token).users.revokeSessions({ id: user.id })).toEqual({ revokedSessions: 1 });
    expect(await h.caller(root.token).users.revokeSessions({ id: user.id })).toEqual({ revokedSessions: 0 });
  });
});

describe("users.delete", () => {
  it("removes the user and kills their tokens", async () => {
    const [root, user] = [await createAdmin(), await h.createSignedInUser()];
    await expect(h.caller(root.token).users.delete({ id: user.id })).resolves.toEqual({ success: true });
    await expect(h.caller(user.token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(root.token).users.findById(user.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await h.deps.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    await expect(h.caller(root.token).users.delete({ id: user.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("revokes every session of the user in the registry, not only in Postgres", async () => {
    // auth.me fails for a deleted user whatever the registry says; the registry is what every
    // other procedure (and every other app of the platform) relies on
    const root = await createAdmin();
    const user = await h.createSignedInUser();
    const other = await h.signIn(user.email, user.password);
    const sessionIds = (await h.deps.prisma.session.findMany({ where: { userId: user.id } })).map(({ id }) => id);
    expect(sessionIds).toHaveLength(2);
    await h.caller(root.token).users.delete({ id: user.id });
    for (const sessionId of sessionIds) {
      expect(await h.deps.registry.lookup(sessionId, user.id)).toEqual({ status: "revoked" });
    }
    for (const token of [user.token, other]) {
      await expect(h.caller(token).auth.sessions.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  // The interleaving users.delete locks the user's row for, forced (test-support/interleave.ts):
  // a sign-in is inside startSession's transaction, about to insert its session, when the
  // deletion runs. With the lock the deletion waits for the sign-in to commit, then sees that
  // session and revokes it with the others; without it, the deletion lists the sessions before the
  // sign-in's exists and revokes only those, and the sign-in's stays live in the registry. A
  // server only: see interleave.ts.
  it.skipIf(!canInterleave)(
    "a sign-in in flight when the user is deleted leaves no session behind (forced interleaving)",
    async () => {
      const [root, user] = [await createAdmin(), await h.createUser()];
      const paused = pauseBeforeNewSession(h.deps);
      const signIn = createCaller(paused.deps).auth.signIn(credentialsOf(user));
      await paused.reached;
      const deletion = h.caller(root.token).users.delete({ id: user.id });
      await paused.releaseWhenSettledOrWaiting(deletion);
      const [signedIn, deleted] = await Promise.allSettled([signIn, deletion]);

      expect(deleted).toMatchObject({ status: "fulfilled" });
      // whatever the sign-in answered, its token is dead everywhere: auth.me looks the user up,
      // other procedures (and other apps) go by the registry alone
      if (signedIn.status === "fulfilled") {
        const { token } = signedIn.value;
        await expect(h.caller(token).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
        await expect(h.caller(token).auth.sessions.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      }
      expect(await h.deps.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    },
  );

  it("the last admin cannot be deleted", async () => {
    const { h: solo, token, id } = await soloAdmin();
    await expect(solo.caller(token).users.delete({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(solo.caller(token).auth.me()).resolves.toMatchObject({ id });
    expect(await solo.deps.prisma.auditEvent.findMany({ where: { action: "user_delete" } })).toEqual([
      expect.objectContaining({ outcome: "failure", actorId: id, subjectId: id, details: { reason: "last_admin" } }),
    ]);
  });
});

describe("the audit trail of user administration", () => {
  it("records who did what to whom: role change, session revocation, deletion", async () => {
    const [root, user] = [await createAdmin(), await h.createSignedInUser()];
    await h.caller(root.token).users.setRoles({ id: user.id, roles: ["user", "support"] });
    await h.caller(root.token).users.revokeSessions({ id: user.id });
    await h.caller(root.token).users.delete({ id: user.id });

    const events = await h.deps.prisma.auditEvent.findMany({
      where: { subjectId: user.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(events.map((e) => e.action)).toEqual(["role_change", "session_revoke", "user_delete"]);
    for (const event of events) expect(event).toMatchObject({ actorId: root.id, outcome: "success" });
    expect(events[0]?.details).toEqual({ before: ["user"], after: ["user", "support"] });
    expect(events[1]?.details).toEqual({ sessionIds: [h.sessionIdOf(user.refreshToken)] });
  });
});
