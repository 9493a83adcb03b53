import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { createMemorySessionRegistry } from "./memory-session-registry.js";
import { runSessionRegistryContract } from "./session-registry.contract.js";
import { createTestClock } from "./testing.js";

describe("in-process session registry", () => {
  const registry = createMemorySessionRegistry();
  afterAll(() => registry.close());
  runSessionRegistryContract(() => registry);
});

describe("in-process session registry, on a clock of the test's own", () => {
  const day = 86_400_000;
  function setup(options: { rolesTtlSeconds?: number } = {}) {
    const clock = createTestClock(new Date("2026-01-01T00:00:00Z"));
    const registry = createMemorySessionRegistry({ ...options, now: clock.now });
    const session = (lifetimeMs: number) => ({
      sessionId: "session_1",
      userId: "user_1",
      expiresAt: new Date(clock.now().getTime() + lifetimeMs),
    });
    return { clock, registry, session };
  }

  it("a session ends at its expiry instant", async () => {
    const { clock, registry, session } = setup();
    await registry.register(session(1000), { roles: ["user"], version: 1 });
    clock.advance(999);
    expect(await registry.lookup("session_1", "user_1")).toEqual({ status: "live", roles: ["user"] });
    clock.advance(1);
    expect(await registry.lookup("session_1", "user_1")).toEqual({ status: "unknown" });
  });

  it("keeps a user's roles 30 days (the longest session) after they were written, then the session is unknown (filled again from the source of truth)", async () => {
    const { clock, registry, session } = setup();
    await registry.register(session(60 * day), { roles: ["user"], version: 1 });
    clock.advance(30 * day - 1);
    expect(await registry.lookup("session_1", "user_1")).toEqual({ status: "live", roles: ["user"] });
    clock.advance(1);
    expect(await registry.lookup("session_1", "user_1")).toEqual({ status: "unknown" });
  });

  it("keeps them rolesTtlSeconds when that is given", async () => {
    const { clock, registry, session } = setup({ rolesTtlSeconds: 60 });
    await registry.register(session(day), { roles: ["user"], version: 1 });
    clock.advance(59_999);
    expect(await registry.lookup("session_1", "user_1")).toEqual({ status: "live", roles: ["user"] });
    clock.advance(1);
    expect(await registry.lookup("session_1", "user_1")).toEqual({ status: "unknown" });
  });
});

describe("in-process session registry: resources", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("close() stops the timer that sweeps expired entries", async () => {
    vi.useFakeTimers();
    const registry = createMemorySessionRegistry();
    expect(vi.getTimerCount()).toBe(1);
    await registry.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
