import { describe, expect, it } from "vitest";

import { defaultRateLimitPolicy, delayMs } from "./rate-limiter.js";

describe("delayMs: the block an attempt earns", () => {
  // a policy whose cap is out of reach, so that the doubling itself shows
  const uncapped = { ...defaultRateLimitPolicy, freeAttempts: 0, baseDelayMs: 1, maxDelayMs: Number.MAX_SAFE_INTEGER };

  it("doubles exactly up to 2^51 ms, the last doubling that is an exact integer below the cap", () => {
    expect(delayMs(uncapped, 1)).toBe(1);
    expect(delayMs(uncapped, 52)).toBe(2 ** 51);
  });

  it("beyond that is the cap, however many attempts there were", () => {
    expect(delayMs(uncapped, 53)).toBe(Number.MAX_SAFE_INTEGER);
    expect(delayMs(uncapped, 5000)).toBe(Number.MAX_SAFE_INTEGER);
    expect(delayMs(defaultRateLimitPolicy, 5000)).toBe(defaultRateLimitPolicy.maxDelayMs);
  });
});
