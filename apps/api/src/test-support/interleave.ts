// Forcing two requests to interleave, to test what a row lock is for. Running them with
// Promise.all only shows the mechanism: one usually finishes before the other starts, and the test
// passes with the lock removed. Here the first request is stopped at a chosen query (inside its
// transaction, holding whatever it has locked), the second runs until it has finished or is
// waiting for a lock, and only then does the first go on. Nothing in the API knows: the pause is a
// Prisma query extension on deps of the test's own.
//
// A real PostgreSQL server only (DATABASE_URL): the embedded database has one connection, so its
// transactions cannot overlap at all (and a paused one would hold the only connection).
import { setTimeout as sleep } from "node:timers/promises";

import type { PrismaClient } from "@platform/db";

import type { ApiDeps } from "../deps.js";

/** Whether interleaving tests can run here (a server database); they are skipped with a notice otherwise. */
export const canInterleave = Boolean(process.env.DATABASE_URL);
if (!canInterleave) {
  console.warn("NOTICE: forced-interleaving (row lock) tests skipped: set DATABASE_URL=postgres://... to run them.");
}

/** How long a step may take before the test gives up: a bound for a stuck test, not a timing. */
const stepLimitMs = 10_000;

export interface PausedDeps {
  /** The same deps, except that the first session row they insert waits for `release()`. */
  deps: ApiDeps;
  /** Resolves when that insert has been reached, and is held: the caller is inside its transaction. */
  reached: Promise<void>;
  /**
   * Lets the insert go on once `request` (the other side of the race) has settled or another
   * connection to the database waits for a lock (the request is stuck behind the paused one).
   * Releases in any case, also when it throws.
   */
  releaseWhenSettledOrWaiting: (request: Promise<unknown>) => Promise<void>;
}

/**
 * Deps that stop before inserting their first session row (`session.create`, in startSession's
 * transaction: after the user's row has been checked, and locked when the code locks it).
 */
export function pauseBeforeNewSession(deps: ApiDeps): PausedDeps {
  let reach = () => {};
  let release = () => {};
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let hasPaused = false;
  const prisma = deps.prisma.$extends({
    query: {
      session: {
        async create({ args, query }) {
          if (!hasPaused) {
            hasPaused = true;
            reach();
            await released;
          }
          return query(args);
        },
      },
    },
  }) as unknown as PrismaClient;
  return {
    deps: { ...deps, prisma },
    reached: withinLimit(reached, "the new session's insert was never reached"),
    async releaseWhenSettledOrWaiting(request) {
      try {
        await settledOrWaitingForLock(deps.prisma, request);
      } finally {
        release();
      }
    },
  };
}

async function settledOrWaitingForLock(prisma: PrismaClient, request: Promise<unknown>): Promise<void> {
  const progress = { isSettled: false };
  void request.then(
    () => (progress.isSettled = true),
    () => (progress.isSettled = true),
  );
  const deadline = Date.now() + stepLimitMs;
  while (!progress.isSettled) {
    const [{ waiting }] = await prisma.$queryRaw<[{ waiting: number }]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (waiting > 0) return;
    if (Date.now() > deadline) throw new Error("the request neither finished nor waited for a lock");
    await sleep(5);
  }
}

function withinLimit<T>(promise: Promise<T>, message: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(stepLimitMs, undefined, { ref: false }).then(() => {
      throw new Error(message);
    }),
  ]);
}
