// The behaviour every RateLimiter must have. Each implementation's test file runs this suite
// unchanged, so the Redis and in-process limiters cannot drift apart. Redis TTLs run on real time,
// so delays and windows here are hundreds of milliseconds and the tests really wait.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { afterEach, expect, it } from "vitest";

import type { RateLimiter, RateLimitPolicy } from "./rate-limiter.js";

const allowed = { allowed: true };
const refused = (retryAfterSeconds: number) => ({ allowed: false, retryAfterSeconds });

export interface RateLimiterContractOptions {
  /**
   * Whether one attempt may name keys that live apart. Not on a Redis Cluster, where one
   * attempt's keys must share a hash slot (redis-rate-limiter.ts): the suites that need it skip.
   */
  isAtomicAcrossKeys?: boolean;
}

export function runRateLimiterContract(
  createLimiter: (policy: Partial<RateLimitPolicy>) => RateLimiter,
  { isAtomicAcrossKeys = true }: RateLimiterContractOptions = {},
) {
  const open: RateLimiter[] = [];
  const limiter = (policy: Partial<RateLimitPolicy>) => {
    const created = createLimiter(policy);
    open.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((created) => created.close()));
  });
  const newKey = () => `account:${randomUUID()}@example.com`;

  it("lets the free attempts through, then the one that earns the first delay, then refuses", async () => {
    const limit = limiter({ freeAttempts: 3, baseDelayMs: 300 });
    const key = newKey();
    for (let i = 0; i < 4; i++) expect(await limit.attempt([key])).toEqual(allowed);
    expect(await limit.attempt([key])).toEqual(refused(1));
  });

  it("under 20 parallel attempts on one key, exactly freeAttempts + 1 get through", async () => {
    const limit = limiter({ freeAttempts: 4, baseDelayMs: 5000 });
    const key = newKey();
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limit.attempt([key])));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => !d.allowed)).toEqual(Array.from({ length: 15 }, () => refused(5)));
  });

  it("doubles the delay with each attempt beyond the free ones, up to maxDelayMs", async () => {
    const limit = limiter({ freeAttempts: 0, baseDelayMs: 200, maxDelayMs: 400 });
    const key = newKey();
    expect(await limit.attempt([key])).toEqual(allowed); // blocked for 200 ms
    expect(await limit.attempt([key])).toEqual(refused(1));
    await sleep(300);
    expect(await limit.attempt([key])).toEqual(allowed); // blocked for 400 ms
    await sleep(250);
    expect(await limit.attempt([key])).toEqual(refused(1));
    await sleep(250);
    expect(await limit.attempt([key])).toEqual(allowed); // 800 ms, capped at 400
    await sleep(500);
    expect(await limit.attempt([key])).toEqual(allowed);
  });

  it("reports the wait in whole seconds, rounded up", async () => {
    const limit = limiter({ freeAttempts: 0, baseDelayMs: 1500 });
    const key = newKey();
    await limit.attempt([key]);
    expect(await limit.attempt([key])).toEqual(refused(2));
  });

  it("limits each key on its own", async () => {
    const limit = limiter({ freeAttempts: 0, baseDelayMs: 5000 });
    const [blocked, other] = [newKey(), newKey()];
    await limit.attempt([blocked]);
    expect(await limit.attempt([blocked])).toEqual(refused(5));
    expect(await limit.attempt([other])).toEqual(allowed);
  });

  it.runIf(isAtomicAcrossKeys)("refuses several keys when any is blocked, with the longest wait", async () => {
    const limit = limiter({ freeAttempts: 0, baseDelayMs: 1500 });
    const [earlier, later, free] = [newKey(), newKey(), newKey()];
    await limit.attempt([earlier]);
    await sleep(600);
    await limit.attempt([later]);
    expect(await limit.attempt([earlier])).toEqual(refused(1));
    expect(await limit.attempt([earlier, later, free])).toEqual(refused(2));
    expect(await limit.attempt([free, later, earlier])).toEqual(refused(2));
  });

  it.runIf(isAtomicAcrossKeys)("a refused attempt counts against none of its keys", async () => {
    const limit = limiter({ freeAttempts: 1, baseDelayMs: 5000 });
    const [blocked, free] = [newKey(), newKey()];
    await limit.attempt([blocked]);
    await limit.attempt([blocked]);
    for (let i = 0; i < 3; i++) expect(await limit.attempt([blocked, free])).toEqual(refused(5));
    expect(await limit.attempt([free])).toEqual(allowed);
    expect(await limit.attempt([free])).toEqual(allowed);
    expect(await limit.attempt([free])).toEqual(refused(5));
  });

  it.runIf(isAtomicAcrossKeys)(
    "an allowed attempt counts once against each of its keys, even when one is repeated",
    async () => {
      const limit = limiter({ freeAttempts: 1, baseDelayMs: 5000 });
      const [account, ip] = [newKey(), `ip:${randomUUID()}`];
      expect(await limit.attempt([account, ip, account])).toEqual(allowed);
      expect(await limit.attempt([ip])).toEqual(allowed);
      expect(await limit.attempt([ip])).toEqual(refused(5));
      expect(await limit.attempt([account])).toEqual(allowed);
      expect(await limit.attempt([account])).toEqual(refused(5));
    },
  );

  it("reset forgets a key's count and block, and only that key's", async () => {
    const limit = limiter({ freeAttempts: 1, baseDelayMs: 5000 });
    const [account, ip] = [newKey(), `ip:${randomUUID()}`];
    for (const key of [account, ip, account, ip]) await limit.attempt([key]);
    await limit.reset([account]);
    expect(await limit.attempt([account])).toEqual(allowed);
    expect(await limit.attempt([account])).toEqual(allowed);
    expect(await limit.attempt([account])).toEqual(refused(5));
    expect(await limit.attempt([ip])).toEqual(refused(5));
    await limit.reset([account, ip]); // several at once
    expect(await limit.attempt([account])).toEqual(allowed);
    expect(await limit.attempt([ip])).toEqual(allowed);
    await limit.reset([]);
  });

  it("keeps counting while attempts go on: the window restarts with each one", async () => {
    const limit = limiter({ freeAttempts: 1, windowMs: 400, baseDelayMs: 100 });
    const key = newKey();
    expect(await limit.attempt([key])).toEqual(allowed);
    await sleep(250);
    expect(await limit.attempt([key])).toEqual(allowed); // blocked for 100 ms, counted until 750 ms
    await sleep(250); // 500 ms: a window counted from the first attempt would have ended
    expect(await limit.attempt([key])).toEqual(allowed); // third: blocked for 200 ms
    expect(await limit.attempt([key])).toEqual(refused(1));
  });

  it("forgets a key a window after its block ends, so nobody is locked out for good", async () => {
    const limit = limiter({ freeAttempts: 1, windowMs: 300, baseDelayMs: 200 });
    const key = newKey();
    await limit.attempt([key]);
    await limit.attempt([key]); // blocked for 200 ms, counted until 500 ms
    await sleep(650);
    expect(await limit.attempt([key])).toEqual(allowed);
    expect(await limit.attempt([key])).toEqual(allowed);
    expect(await limit.attempt([key])).toEqual(refused(1));
  });

  it("refuses an attempt with no keys: it would limit nothing", async () => {
    await expect(limiter({}).attempt([])).rejects.toThrow(/at least one key/);
  });

  it("refuses a policy it cannot enforce, naming the option", () => {
    expect(() => createLimiter({ freeAttempts: -1 })).toThrow(/freeAttempts/);
    expect(() => createLimiter({ baseDelayMs: 0 })).toThrow(/baseDelayMs/);
    expect(() => createLimiter({ windowMs: 1.5 })).toThrow(/windowMs/);
  });
}
