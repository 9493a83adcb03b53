import { describe, expect, it } from "vitest";

import { listUsers } from "./list-users.js";
import { pageQuery } from "./pagination.js";
import { uniqueEmail } from "./test-support/harness.js";
import { createTestHarnessForThisTest } from "./test-support/hooks.js";
import { publicUserSelect } from "./user-select.js";

/** A database of its own with users whose creation times tie in threes, inserted out of order. */
async function usersWithTies() {
  const h = await createTestHarnessForThisTest();
  const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
  const seconds = [5, 1, 3, 1, 5, 3, 1, 3, 5, 2];
  await h.deps.prisma.user.createMany({
    data: seconds.map((second, i) => ({
      email: uniqueEmail(`list${i}`),
      name: `list ${i}`,
      roles: i % 2 ? ["user"] : ["admin", "user"],
      passwordHash: "not a real hash",
      createdAt: at(second),
    })),
  });
  return h;
}

describe("listUsers", () => {
  it("reads exactly the rows of the findMany it replaces, from every cursor and at every limit", async () => {
    const { deps } = await usersWithTies();
    const findMany = (page: { cursor?: string; limit: number }) =>
      deps.prisma.user.findMany({
        select: publicUserSelect,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        ...pageQuery(page),
      });
    const everyone = await findMany({ limit: 100 });
    expect(everyone).toHaveLength(10);
    for (const limit of [1, 2, 3, 9, 10, 11]) {
      expect(await listUsers(deps.prisma, { limit })).toEqual(await findMany({ limit }));
      for (const { id: cursor } of everyone) {
        expect(await listUsers(deps.prisma, { cursor, limit })).toEqual(await findMany({ cursor, limit }));
      }
    }
  });

  it("starts at the cursor's own row, and gives an empty page for a cursor that is no user", async () => {
    const { deps } = await usersWithTies();
    const everyone = await listUsers(deps.prisma, { limit: 100 });
    const fourth = everyone[3];
    expect(fourth).toBeDefined();
    expect((await listUsers(deps.prisma, { cursor: fourth?.id, limit: 2 })).map((user) => user.id)).toEqual(
      everyone.slice(3, 6).map((user) => user.id),
    );
    expect(await listUsers(deps.prisma, { cursor: "no such user", limit: 2 })).toEqual([]);
  });

  it("returns the public fields only, with the creation time as a Date", async () => {
    const { deps } = await usersWithTies();
    const [first] = await listUsers(deps.prisma, { limit: 1 });
    expect(Object.keys(first ?? {}).sort()).toEqual(Object.keys(publicUserSelect).sort());
    expect(first?.createdAt).toBeInstanceOf(Date);
    expect(first?.roles).toEqual(expect.arrayContaining(["user"]));
  });

  it("reads a user whose roles column is NULL with no roles, as Prisma does", async () => {
    const { deps } = await usersWithTies();
    const [first] = await listUsers(deps.prisma, { limit: 1 });
    await deps.prisma.$executeRaw`UPDATE users SET roles = NULL WHERE id = ${first?.id}`;
    const [read] = await listUsers(deps.prisma, { limit: 1 });
    expect(read?.roles).toEqual([]);
    expect(read).toEqual((await deps.prisma.user.findMany({ where: { id: first?.id }, select: publicUserSelect }))[0]);
  });
});
