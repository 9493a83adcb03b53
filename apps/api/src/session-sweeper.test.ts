import { createPrismaClient } from "@platform/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { createDeps } from "./deps.js";
import { startSessionSweeper } from "./session-sweeper.js";
import { captureLogs } from "./test-support/capture-logs.js";
import { createTestHarness, type TestHarness } from "./test-support/harness.js";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness({ SESSION_SWEEP_INTERVAL_MINUTES: "1" });
});
afterAll(() => h.close());
afterEach(() => {
  vi.useRealTimers();
});

/** Runs one sweep (the interval's first tick) and waits until it has logged. */
async function sweepOnce(deps: Parameters<typeof startSessionSweeper>[0], logs: ReturnType<typeof captureLogs>) {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  const stop = startSessionSweeper(deps);
  vi.advanceTimersByTime(60_000);
  await vi.waitFor(() => {
    expect(logs.lines.length).toBeGreaterThan(0);
  });
  stop();
}

describe("startSessionSweeper", () => {
  it("logs what it deleted through the logger, at info", async () => {
    const user = await h.createUser({ email: "swept@example.com", password: "swept-password-1" });
    const longAgo = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000);
    await h.deps.prisma.session.create({
      data: { userId: user.id, expiresAt: longAgo, createdAt: longAgo },
    });
    const logs = captureLogs();
    await sweepOnce({ ...h.deps, logger: logs.logger }, logs);
    expect(logs.at("info")).toEqual([expect.objectContaining({ msg: "session sweep: deleted 1 expired session(s)" })]);
  });

  it("a failed sweep is logged through the logger, at error", async () => {
    const unreachable = createPrismaClient({ url: "postgres://postgres@127.0.0.1:1/nowhere" });
    try {
      const logs = captureLogs();
      await sweepOnce(createDeps({ ...h.deps, prisma: unreachable, logger: logs.logger }), logs);
      expect(logs.at("error")).toEqual([expect.objectContaining({ msg: "session sweep failed" })]);
    } finally {
      await unreachable.$disconnect();
    }
  });
});
