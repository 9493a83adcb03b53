// withAdminGuard on a database of each test's own: "the only admin" depends on every user in it.
import { describe, expect, it } from "vitest";

import { withAdminGuard } from "./admin-guard.js";
import type { TestHarness } from "./test-support/harness.js";
import { createTestHarnessForThisTest } from "./test-support/hooks.js";

/** The guard in a transaction of its own, as the procedures run it. */
const guarded = <T>(
  h: TestHarness,
  userId: string,
  keepsAdmin: boolean,
  change: (target: { roles: string[] }) => Promise<T>,
) => h.deps.prisma.$transaction((tx) => withAdminGuard(tx, userId, keepsAdmin, change));

const admin = ["admin", "user"];
/** A change that records that it ran and returns the roles it was given. */
const recordingChange = () => {
  const runs: string[][] = [];
  const change = (target: { roles: string[] }) => {
    runs.push(target.roles);
    return Promise.resolve(target.roles);
  };
  return { runs, change };
};

describe("withAdminGuard", () => {
  it("is no_such_user for an unknown id, and runs nothing", async () => {
    const h = await createTestHarnessForThisTest();
    const { runs, change } = recordingChange();
    expect(await guarded(h, "no-such-user", false, change)).toEqual({ status: "no_such_user" });
    expect(runs).toEqual([]);
  });

  it("is last_admin when the change would take the role from the only admin, and runs nothing", async () => {
    const h = await createTestHarnessForThisTest();
    const only = await h.createUser({ roles: admin });
    await h.createUser(); // a plain user does not count
    const { runs, change } = recordingChange();
    expect(await guarded(h, only.id, false, change)).toEqual({ status: "last_admin" });
    expect(runs).toEqual([]);
  });

  it("lets the only admin through when the change keeps the role (e.g. adding another role)", async () => {
    const h = await createTestHarnessForThisTest();
    const only = await h.createUser({ roles: admin });
    const { runs, change } = recordingChange();
    expect(await guarded(h, only.id, true, change)).toEqual({ status: "done", value: admin });
    expect(runs).toEqual([admin]);
  });

  it("runs the change with the target's roles and returns its value: done", async () => {
    const h = await createTestHarnessForThisTest();
    const only = await h.createUser({ roles: admin });
    const other = await h.createUser({ roles: admin });
    const user = await h.createUser();
    for (const [id, keepsAdmin, roles] of [
      [only.id, true, admin], // an admin may keep the role
      [other.id, false, admin], // an admin who is not the only one may lose it
      [user.id, false, ["user"]], // a plain user has nothing to lose
    ] as const) {
      const { runs, change } = recordingChange();
      expect(await guarded(h, id, keepsAdmin, change)).toEqual({ status: "done", value: roles });
      expect(runs).toEqual([roles]);
    }
  });

  it("lets one of two admins taking the role from each other at the same moment through, never both", async () => {
    const h = await createTestHarnessForThisTest();
    const [first, second] = [await h.createUser({ roles: admin }), await h.createUser({ roles: admin })];
    const demote = (id: string) =>
      h.deps.prisma.$transaction((tx) =>
        withAdminGuard(tx, id, false, () => tx.user.update({ where: { id }, data: { roles: ["user"] } })),
      );
    const outcomes = await Promise.all([demote(first.id), demote(second.id)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["done", "last_admin"]);
    expect(await h.deps.prisma.user.count({ where: { roles: { has: "admin" } } })).toBe(1);
  });
});
