// Changes that the session registry must learn of (a revocation, a role change) are made in
// Postgres first, and a registry write that fails after the commit would leave the registry
// honouring what Postgres has ended. So the registry writes are not made beside the change but
// recorded with it: the change's transaction also inserts them into `registry_outbox`, and they
// commit together or not at all. After the commit they are applied to the registry and their rows
// deleted; a write that fails (a reset link, a timeout, a crash in between) leaves its row, and
// every instance's drainer retries the rows once a second until they land.
//
// While a user has writes pending, the registry may be behind for them (Redis may serve reads and
// refuse writes: a replica promoted or demoted in a failover, memory full), so their calls are
// checked against Postgres instead (RegistryLag, AuthDeps.isRegistryBehind): on this instance
// from the failed write on, on every other one from its next drain.
//
// What this guarantees:
//  - a change that commits is honoured by every instance within one drain interval, whatever the
//    registry does, and reaches the registry once it takes writes again, with no operator. The
//    caller's answer says it happened (it did).
//  - a change that does not commit (an error, a 503) has written nothing, in Postgres or in the registry.
//  - applying a change twice is harmless (a revocation overwrites, roles keep the newer version),
//    so the drainer and the committing call may both apply a row; the audit event is written by
//    the change's transaction only, so it is recorded exactly once however often the row is applied.
import type { SessionRegistry, UserRoles } from "@platform/auth";
import type { Prisma } from "@platform/db";

import type { ApiDeps } from "./deps.js";

/** What the registry must learn of one user (the row's `change` column). */
export type RegistryChange =
  | { kind: "revoke"; sessions: Array<{ sessionId: string; expiresAt: string }> }
  | { kind: "roles"; roles: string[]; version: number };

/** The registry writes of one transaction, recorded with it. */
export interface RegistryOutbox {
  revoke(userId: string, sessions: ReadonlyArray<{ id: string; expiresAt: Date }>): Promise<void>;
  setRoles(userId: string, roles: UserRoles): Promise<void>;
}

interface RecordedChange {
  id: bigint;
  userId: string;
  change: RegistryChange;
}

/** The users whose registry entries may be behind Postgres: writes of theirs are pending. */
export interface RegistryLag {
  has(userId: string): boolean;
  /** Writes of theirs just failed (on this instance). */
  add(userIds: Iterable<string>): void;
  /** Taken by a drain before it reads the outbox, and given back to `replace`. */
  mark(): number;
  /**
   * The users with writes pending in the outbox, as a drain read them after `since` (its mark).
   * Users added after the mark stay: their failed write may have committed after the read.
   */
  replace(userIds: Iterable<string>, since: number): void;
}

export function createRegistryLag(): RegistryLag {
  let behind = new Set<string>();
  /** Each user added, with the count of adds at their latest one. */
  const added = new Map<string, number>();
  let adds = 0;
  return {
    has: (userId) => behind.has(userId),
    add(userIds) {
      for (const userId of userIds) {
        behind.add(userId);
        added.set(userId, ++adds);
      }
    },
    mark: () => adds,
    replace(userIds, since) {
      const next = new Set(userIds);
      for (const [userId, at] of added) {
        if (at > since) next.add(userId);
        else added.delete(userId); // the drain's read covers it
      }
      behind = next;
    },
  };
}

/** How often each instance retries the writes that did not land. */
export const outboxDrainIntervalMs = 1_000;

async function applyToRegistry(registry: SessionRegistry, { userId, change }: RecordedChange): Promise<void> {
  if (change.kind === "roles") {
    await registry.setRoles(userId, { roles: change.roles, version: change.version });
  } else {
    const sessions = change.sessions.map(({ sessionId, expiresAt }) => ({ sessionId, expiresAt: new Date(expiresAt) }));
    await registry.revoke(userId, sessions);
  }
}

/** Applies changes in order and deletes the rows of those that landed; stops at the first failure. Never rejects. */
async function apply(deps: ApiDeps, changes: readonly RecordedChange[]): Promise<{ applied: number; error?: unknown }> {
  const landed: bigint[] = [];
  let failure: { error: unknown } | undefined;
  for (const change of changes) {
    try {
      await applyToRegistry(deps.registry, change);
      landed.push(change.id);
    } catch (error) {
      failure = { error };
      break;
    }
  }
  if (landed.length > 0) {
    // a row whose delete fails is applied again by the drainer: harmless
    await deps.prisma.registryOutbox.deleteMany({ where: { id: { in: landed } } }).catch((error: unknown) => {
      failure ??= { error };
    });
  }
  return { applied: landed.length, ...failure };
}

/**
 * Runs `change` in one transaction with the registry writes it records, then applies them. Resolves
 * with the change's value once it has committed, whether or not the registry took the writes at
 * once (those that did not are the drainer's); rejects, having changed nothing, if it did not commit.
 */
export async function changeWithRegistry<T>(
  deps: ApiDeps,
  change: (tx: Prisma.TransactionClient, outbox: RegistryOutbox) => Promise<T>,
): Promise<T> {
  const recorded: RecordedChange[] = [];
  const value = await deps.prisma.$transaction(async (tx) => {
    const record = async (userId: string, registryChange: RegistryChange) => {
      const { id } = await tx.registryOutbox.create({ data: { userId, change: registryChange }, select: { id: true } });
      recorded.push({ id, userId, change: registryChange });
    };
    const outbox: RegistryOutbox = {
      async revoke(userId, sessions) {
        if (sessions.length === 0) return;
        const ended = sessions.map(({ id, expiresAt }) => ({ sessionId: id, expiresAt: expiresAt.toISOString() }));
        await record(userId, { kind: "revoke", sessions: ended });
      },
      setRoles: (userId, { roles, version }) => record(userId, { kind: "roles", roles: [...roles], version }),
    };
    return change(tx, outbox);
  });
  if (recorded.length > 0) {
    const { applied, error } = await apply(deps, recorded);
    if (error !== undefined) {
      deps.registryLag.add(recorded.slice(applied).map(({ userId }) => userId));
      deps.logger.warn(
        { err: error },
        "registry write failed after its change was committed; the outbox drainer retries it every second",
      );
    }
  }
  return value;
}

/**
 * Applies the oldest pending writes (up to `limit`), then tells `deps.registryLag` whose writes
 * are still pending; how many landed. Rejects if one fails.
 */
export async function drainRegistryOutbox(deps: ApiDeps, limit = 100): Promise<number> {
  const since = deps.registryLag.mark();
  const rows = await deps.prisma.registryOutbox.findMany({ orderBy: { id: "asc" }, take: limit });
  const { applied, error } = await apply(
    deps,
    rows.map(({ id, userId, change }) => ({ id, userId, change: change as RegistryChange })),
  );
  const pending =
    rows.length === 0
      ? []
      : await deps.prisma.registryOutbox.findMany({ select: { userId: true }, distinct: ["userId"] });
  deps.registryLag.replace(
    pending.map(({ userId }) => userId),
    since,
  );
  if (error !== undefined) throw new Error("registry outbox: a pending write did not land", { cause: error });
  return applied;
}

/**
 * Drains the outbox every second until stopped. While the registry or the database is away, a
 * drain fails at debug level (their outages are reported where their connections are made).
 */
export function startRegistryOutboxDrainer(deps: ApiDeps, intervalMs = outboxDrainIntervalMs): () => void {
  let isDraining = false;
  const drain = async () => {
    if (isDraining) return; // one drain at a time: a slow one is not joined by the next tick
    isDraining = true;
    try {
      const applied = await drainRegistryOutbox(deps);
      if (applied > 0) deps.logger.info(`registry outbox: applied ${applied} pending write(s)`);
    } catch (error) {
      deps.logger.debug({ err: error }, "registry outbox: drain failed; retrying");
    } finally {
      isDraining = false;
    }
  };
  const timer = setInterval(() => void drain(), intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
