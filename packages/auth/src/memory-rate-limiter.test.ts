import { afterEach, describe, expect, it, vi } from "vitest";

import { createMemoryRateLimiter } from "./memory-rate-limiter.js";
import { runRateLimiterContract } from "./rate-limiter.contract.js";
import { createTestClock } from "./testing.js";

describe("in-process rate limiter", () => {
  runRateLimiterContract((policy) => createMemoryRateLimiter(policy));
});

describe("in-process rate limiter, on a clock of the test's own", () => {
  function setup() {
    const { now, advance } = createTestClock(new Date("2026-01-01T00:00:00Z"));
    return { limiter: createMemoryRateLimiter({ now }), advance };
  }

  it("by default: 5 free attempts, then 1 s, 2 s, 4 s … up to 15 min", async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 5; i++) expect(await limiter.attempt(["account:a"])).toEqual({ allowed: true });
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      expect(await limiter.attempt(["account:a"])).toEqual({ allowed: true });
      const answer = await limiter.attempt(["account:a"]);
      if (answer.allowed) throw new Error("expected a block");
      waits.push(answer.retryAfterSeconds);
      advance(answer.retryAfterSeconds * 1000 - 1);
      expect(await limiter.attempt(["account:a"])).toEqual({ allowed: false, retryAfterSeconds: 1 });
      advance(1);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
    await limiter.close();
  });

  it("by default, forgets a key 15 min after its block ends, not before", async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 6; i++) await limiter.attempt(["ip:203.0.113.7"]); // the sixth: blocked 1 s
    advance(1000 + 15 * 60_000 - 1);
    expect(await limiter.attempt(["ip:203.0.113.7"])).toEqual({ allowed: true }); // the seventh: 2 s
    expect(await limiter.attempt(["ip:203.0.113.7"])).toEqual({ allowed: false, retryAfterSeconds: 2 });
    advance(2000 + 15 * 60_000);
    for (let i = 0; i < 6; i++) expect(await limiter.attempt(["ip:203.0.113.7"])).toEqual({ allowed: true });
    expect(await limiter.attempt(["ip:203.0.113.7"])).toEqual({ allowed: false, retryAfterSeconds: 1 });
    await limiter.close();
  });
});

describe("in-process rate limiter: resources", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("close() stops the timer that sweeps forgotten keys", async () => {
    vi.useFakeTimers();
    const limiter = createMemoryRateLimiter();
    expect(vi.getTimerCount()).toBe(1);
    await limiter.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
