// The outbox on the harness's registry (Redis or in-process): a change and its registry writes
// commit together or not at all, and writes that did not land are applied by a drain. A registry
// whose writes throw stands for one that cannot be written; registry-failures.test.ts breaks a
// real link to Redis and Postgres instead.
import type { SessionRegistry } from "@platform/auth";
import { codeOf } from "@platform/auth/testing";
import { describe, expect, it } from "vitest";

import { createCaller } from "./caller.js";
import type { ApiDeps } from "./deps.js";
import { changeWithRegistry, drainRegistryOutbox, startRegistryOutboxDrainer } from "./registry-outbox.js";
import { revokeSessions } from "./session-lifecycle.js";
import { captureLogs } from "./test-support/capture-logs.js";
import { useTestHarness } from "./test-support/hooks.js";

const h = useTestHarness();

/** The harness's deps on a registry that reads, but whose writes fail (as Redis does when the link resets). */
function withUnwritableRegistry(deps: ApiDeps, logger = deps.logger): ApiDeps {
  const refuse = () => Promise.reject(new Error("Connection is closed."));
  const registry: SessionRegistry = { ...deps.registry, revoke: refuse, setRoles: refuse };
  return { ...deps, registry, logger };
}

const pendingWrites = (userId: string) => h.deps.prisma.registryOutbox.count({ where: { userId } });
const auditRows = (action: string, userId: string) =>
  h.deps.prisma.auditEvent.count({ where: { action, OR: [{ actorId: userId }, { subjectId: userId }] } });

describe("changeWithRegistry", () => {
  it("applies the registry writes once the change commits, and leaves no row behind", async () => {
    const ana = await h.createSignedInUser();
    await h.caller(ana.token).auth.signOut();
    expect(await codeOf(h.caller(ana.token).auth.me())).toBe("UNAUTHORIZED");
    expect(await pendingWrites(ana.id)).toBe(0);
  });

  it("a change that does not commit writes nothing: not Postgres, not the registry, not the audit trail", async () => {
    const bo = await h.createSignedInUser();
    const failing = changeWithRegistry(h.deps, async (tx, outbox) => {
      await revokeSessions(tx, outbox, { userId: bo.id, now: h.deps.now() });
      await tx.auditEvent.create({ data: { action: "session_revoke", outcome: "success", actorId: bo.id } });
      throw new Error("the next statement failed");
    });
    await expect(failing).rejects.toThrow("the next statement failed");
    await expect(h.caller(bo.token).auth.me()).resolves.toMatchObject({ id: bo.id });
    expect(await h.deps.prisma.session.count({ where: { userId: bo.id, isRevoked: true } })).toBe(0);
    expect(await pendingWrites(bo.id)).toBe(0);
    expect(await auditRows("session_revoke", bo.id)).toBe(0);
  });

  it("a registry write that fails after the commit: the call succeeds, the write waits in the outbox", async () => {
    const cy = await h.createSignedInUser();
    const logs = captureLogs("warn");
    const broken = withUnwritableRegistry(h.deps, logs.logger);
    await expect(createCaller(broken, { authorization: `Bearer ${cy.token}` }).auth.signOut()).resolves.toEqual({
      success: true,
    });
    expect(logs.at("warn").map(({ msg }) => msg)).toEqual([
      "registry write failed after its change was committed; the outbox drainer retries it every second",
    ]);
    expect(await pendingWrites(cy.id)).toBe(1);
    expect(await auditRows("sign_out", cy.id)).toBe(1);

    // any instance's drain completes it; the event is not recorded again
    expect(await drainRegistryOutbox(h.deps)).toBeGreaterThanOrEqual(1);
    expect(await codeOf(h.caller(cy.token).auth.me())).toBe("UNAUTHORIZED");
    expect(await pendingWrites(cy.id)).toBe(0);
    expect(await auditRows("sign_out", cy.id)).toBe(1);
  });
});

describe("drainRegistryOutbox", () => {
  it("keeps what it cannot apply, and rejects, so the next drain retries", async () => {
    const di = await h.createSignedInUser();
    const broken = withUnwritableRegistry(h.deps);
    await createCaller(broken, { authorization: `Bearer ${di.token}` }).auth.signOut();
    await expect(drainRegistryOutbox(broken)).rejects.toMatchObject({ cause: { message: "Connection is closed." } });
    expect(await pendingWrites(di.id)).toBe(1);
    await drainRegistryOutbox(h.deps);
    expect(await pendingWrites(di.id)).toBe(0);
  });

  it("applies role changes by version: an older one drained after a newer one changes nothing", async () => {
    const root = await h.createSignedInUser({ roles: ["admin", "user"] });
    const ed = await h.createSignedInUser({ roles: ["user", "support"] });
    const broken = withUnwritableRegistry(h.deps);
    const admin = createCaller(broken, { authorization: `Bearer ${root.token}` });
    await admin.users.setRoles({ id: ed.id, roles: ["user"] }); // version 1, pending
    await h.caller(root.token).users.setRoles({ id: ed.id, roles: ["user", "billing"] }); // version 2, applied
    await drainRegistryOutbox(h.deps); // version 1 arrives late
    const principal = await h.deps.registry.lookup(h.sessionIdOf(ed.refreshToken), ed.id);
    expect(principal).toEqual({ status: "live", roles: ["user", "billing"] });
  });
});

describe("startRegistryOutboxDrainer", () => {
  it("drains on its own, every interval, until stopped", async () => {
    const fay = await h.createSignedInUser();
    await createCaller(withUnwritableRegistry(h.deps), { authorization: `Bearer ${fay.token}` }).auth.signOut();
    const stop = startRegistryOutboxDrainer(h.deps, 50);
    try {
      await expect.poll(() => pendingWrites(fay.id), { timeout: 5_000, interval: 25 }).toBe(0);
      expect(await codeOf(h.caller(fay.token).auth.me())).toBe("UNAUTHORIZED");
    } finally {
      stop();
    }
  });
});
