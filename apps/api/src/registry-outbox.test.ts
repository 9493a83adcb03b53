// The outbox on the harness's registry (Redis or in-process): a change and its registry writes
// commit together or not at all, and writes that did not land are applied by a drain. A registry
// whose writes throw stands for one that cannot be written; registry-failures.test.ts breaks a
// real link to Redis and Postgres instead.
import type { SessionRegistry } from "@platform/auth";
import { codeOf } from "@platform/auth/testing";
import { describe, expect, it } from "vitest";

import { createCaller } from "./caller.js";
import type { ApiDeps } from "./deps.js";
import {
  changeWithRegistry,
  createRegistryLag,
  drainRegistryOutbox,
  startRegistryOutboxDrainer,
} from "./registry-outbox.js";
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

  it("records a revocation as the rows every instance's drainer reads: the user, the sessions, their expiry", async () => {
    const gia = await h.createSignedInUser();
    await createCaller(withUnwritableRegistry(h.deps), { authorization: `Bearer ${gia.token}` }).auth.signOut();
    const session = await h.deps.prisma.session.findUniqueOrThrow({ where: { id: h.sessionIdOf(gia.refreshToken) } });
    expect(await h.deps.prisma.registryOutbox.findMany({ where: { userId: gia.id } })).toEqual([
      expect.objectContaining({
        userId: gia.id,
        change: { kind: "revoke", sessions: [{ sessionId: session.id, expiresAt: session.expiresAt.toISOString() }] },
      }),
    ]);
    await drainRegistryOutbox(h.deps);
  });

  it("a change whose writes all land logs nothing and puts nobody behind", async () => {
    const ivo = await h.createSignedInUser();
    const logs = captureLogs("debug");
    await createCaller({ ...h.deps, logger: logs.logger }, { authorization: `Bearer ${ivo.token}` }).auth.signOut();
    expect(logs.lines).toEqual([]);
    expect(h.deps.registryLag.has(ivo.id)).toBe(false);
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
    expect(logs.at("warn")[0]?.err).toMatchObject({ message: "Connection is closed." });
    expect(await pendingWrites(cy.id)).toBe(1);
    expect(await auditRows("sign_out", cy.id)).toBe(1);

    // any instance's drain completes it; the event is not recorded again
    expect(await drainRegistryOutbox(h.deps)).toBeGreaterThanOrEqual(1);
    expect(await codeOf(h.caller(cy.token).auth.me())).toBe("UNAUTHORIZED");
    expect(await pendingWrites(cy.id)).toBe(0);
    expect(await auditRows("sign_out", cy.id)).toBe(1);
  });
});

describe("the registry lag (whose calls are checked against Postgres)", () => {
  /** Deps whose registry refuses to revoke one user's sessions only, and takes every other write. */
  function withRevokeRefusedFor(deps: ApiDeps, userId: string): ApiDeps {
    const registry: SessionRegistry = {
      ...deps.registry,
      revoke: (id, sessions) =>
        id === userId ? Promise.reject(new Error("Connection is closed.")) : deps.registry.revoke(id, sessions),
    };
    return { ...deps, registry };
  }

  it("after a partial failure, only the users whose writes did not land are behind", async () => {
    const landed = await h.createSignedInUser();
    const stuck = await h.createSignedInUser();
    const broken = withRevokeRefusedFor(h.deps, stuck.id);
    // one transaction, two writes in order: the first lands, the second fails
    await changeWithRegistry(broken, async (tx, outbox) => {
      await revokeSessions(tx, outbox, { userId: landed.id, now: h.deps.now() });
      await revokeSessions(tx, outbox, { userId: stuck.id, now: h.deps.now() });
    });
    expect(h.deps.registryLag.has(stuck.id)).toBe(true);
    expect(h.deps.registryLag.has(landed.id)).toBe(false);
    expect(await pendingWrites(landed.id)).toBe(0);
    expect(await pendingWrites(stuck.id)).toBe(1);
    await drainRegistryOutbox(h.deps);
  });

  it("a change with no session to end records no write, so a failing registry puts nobody behind", async () => {
    const solo = await h.createSignedInUser();
    const broken = createCaller(withUnwritableRegistry(h.deps), { authorization: `Bearer ${solo.token}` });
    await expect(broken.auth.sessions.revokeOthers()).resolves.toEqual({ revokedSessions: 0 });
    expect(await pendingWrites(solo.id)).toBe(0);
    expect(h.deps.registryLag.has(solo.id)).toBe(false);
  });

  it("a write that fails while a drain runs is not forgotten by that drain", () => {
    // the drain read the outbox before the change committed; its answer must not clear the user
    const lag = createRegistryLag();
    const since = lag.mark();
    lag.add(["late"]);
    lag.replace([], since);
    expect(lag.has("late")).toBe(true);
    // the next drain read the outbox after the add: its answer (drained) is the truth
    lag.replace([], lag.mark());
    expect(lag.has("late")).toBe(false);
  });

  it("a drain tells this instance who is still pending, and who no longer is", async () => {
    const gus = await h.createSignedInUser();
    const broken = withUnwritableRegistry(h.deps);
    await createCaller(broken, { authorization: `Bearer ${gus.token}` }).auth.signOut();
    h.deps.registryLag.replace([], h.deps.registryLag.mark()); // as on another instance, which did not see the write fail
    await expect(drainRegistryOutbox(broken)).rejects.toThrow("registry outbox: a pending write did not land");
    expect(h.deps.registryLag.has(gus.id)).toBe(true);
    await drainRegistryOutbox(h.deps);
    expect(h.deps.registryLag.has(gus.id)).toBe(false);
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

  it("rejects when it cannot delete the rows it applied: they stay, and applying them again is harmless", async () => {
    const jo = await h.createSignedInUser();
    await createCaller(withUnwritableRegistry(h.deps), { authorization: `Bearer ${jo.token}` }).auth.signOut();
    const outbox = h.deps.prisma.registryOutbox;
    const undeletable = new Proxy(h.deps.prisma, {
      get: (target, key) =>
        key === "registryOutbox"
          ? {
              findMany: (args: Parameters<typeof outbox.findMany>[0]) => outbox.findMany(args),
              deleteMany: () => Promise.reject(new Error("the delete failed")),
            }
          : (Reflect.get(target, key) as unknown),
    });
    await expect(drainRegistryOutbox({ ...h.deps, prisma: undeletable })).rejects.toMatchObject({
      cause: { message: "the delete failed" },
    });
    expect(await pendingWrites(jo.id)).toBe(1);
    expect(await codeOf(h.caller(jo.token).auth.me())).toBe("UNAUTHORIZED");
    await drainRegistryOutbox(h.deps);
    expect(await pendingWrites(jo.id)).toBe(0);
  });

  it("applies at most `limit` rows per drain, the oldest first", async () => {
    const [kai, lu] = [await h.createSignedInUser(), await h.createSignedInUser()];
    const broken = withUnwritableRegistry(h.deps);
    for (const { token } of [kai, lu]) await createCaller(broken, { authorization: `Bearer ${token}` }).auth.signOut();
    expect(await drainRegistryOutbox(h.deps, 1)).toBe(1);
    expect([await pendingWrites(kai.id), await pendingWrites(lu.id)]).toEqual([0, 1]);
    expect(await drainRegistryOutbox(h.deps, 1)).toBe(1);
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

  it("says at info level how many writes a drain applied, and at debug level that one failed", async () => {
    const gil = await h.createSignedInUser();
    const broken = withUnwritableRegistry(h.deps);
    await createCaller(broken, { authorization: `Bearer ${gil.token}` }).auth.signOut();
    const failing = captureLogs("debug");
    const stopFailing = startRegistryOutboxDrainer({ ...broken, logger: failing.logger }, 20);
    try {
      await expect.poll(() => failing.at("debug").length, { timeout: 5_000, interval: 25 }).toBeGreaterThan(0);
    } finally {
      stopFailing();
    }
    expect(failing.at("debug")[0]).toMatchObject({ msg: "registry outbox: drain failed; retrying", err: {} });
    expect(failing.at("info")).toEqual([]);

    const working = captureLogs("debug");
    const stop = startRegistryOutboxDrainer({ ...h.deps, logger: working.logger }, 20);
    try {
      await expect.poll(() => working.at("info").length, { timeout: 5_000, interval: 25 }).toBeGreaterThan(0);
      // a drain that found nothing says nothing: a few more intervals, still the one line
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      stop();
    }
    expect(working.at("info").map(({ msg }) => msg)).toEqual(["registry outbox: applied 1 pending write(s)"]);
  });

  it("drains no more once stopped", async () => {
    const hal = await h.createSignedInUser();
    const stop = startRegistryOutboxDrainer(h.deps, 20);
    stop();
    await createCaller(withUnwritableRegistry(h.deps), { authorization: `Bearer ${hal.token}` }).auth.signOut();
    // many intervals later, the write is still waiting: no tick ran after stop()
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await pendingWrites(hal.id)).toBe(1);
    await drainRegistryOutbox(h.deps);
  });
});
