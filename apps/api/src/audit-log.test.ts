import { createPrismaClient } from "@platform/db";
import { afterAll, describe, expect, it } from "vitest";

import { recordAudit } from "./audit-log.js";
import { captureLogs } from "./test-support/capture-logs.js";
import { useTestHarness } from "./test-support/hooks.js";

const unreachable = createPrismaClient({ url: "postgres://postgres@127.0.0.1:1/nowhere" });
afterAll(() => unreachable.$disconnect());

describe("recordAudit", () => {
  it("a failed write does not fail the operation: it is logged as an error through the logger", async () => {
    const logs = captureLogs();
    await expect(
      recordAudit({ prisma: unreachable, logger: logs.logger }, { action: "sign_in", outcome: "success" }),
    ).resolves.toBeUndefined();
    expect(logs.at("error")).toEqual([
      expect.objectContaining({ msg: "audit: could not record sign_in/success", action: "sign_in" }),
    ]);
  });
});

describe("the audit table is append-only, in the database", () => {
  const h = useTestHarness();

  it("an UPDATE, a DELETE or a TRUNCATE of audit_events fails and changes nothing", async () => {
    const { id } = await h.deps.prisma.auditEvent.create({
      data: { action: "sign_in", outcome: "success" },
      select: { id: true },
    });
    const attempts = [
      h.deps.prisma.auditEvent.update({ where: { id }, data: { outcome: "failure" } }),
      h.deps.prisma.auditEvent.delete({ where: { id } }),
      h.deps.prisma.$executeRaw`UPDATE audit_events SET actor_id = 'someone-else'`,
      h.deps.prisma.$executeRaw`DELETE FROM audit_events`,
      h.deps.prisma.$executeRaw`TRUNCATE audit_events`,
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(/append-only/);
    expect(await h.deps.prisma.auditEvent.findUnique({ where: { id } })).toMatchObject({
      outcome: "success",
      actorId: null,
    });
  });

  it("deleting a user still works, and their events stay", async () => {
    const root = await h.createSignedInUser({ roles: ["admin", "user"] });
    const user = await h.createSignedInUser();
    await h.caller(user.token).auth.signOut();
    await expect(h.caller(root.token).users.delete({ id: user.id })).resolves.toEqual({ success: true });
    expect(await h.deps.prisma.user.findUnique({ where: { id: user.id } })).toBeNull();
    const events = await h.deps.prisma.auditEvent.findMany({
      where: { OR: [{ actorId: user.id }, { subjectId: user.id }] },
    });
    expect(events.map((event) => event.action).sort()).toEqual(["sign_in", "sign_out", "user_delete"]);
  });
});
