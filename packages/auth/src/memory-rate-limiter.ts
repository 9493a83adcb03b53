// Sign-in rate limiter in this process's memory: the zero-setup default when REDIS_URL is not set.
// Same interface and behaviour as the Redis limiter (the shared contract tests prove it), but the
// counts are per process: with N API instances behind a balancer an attacker gets up to N times
// the budget, and a restart forgets every count. Use Redis to share them.
//
// Atomicity comes from doing each attempt synchronously, with no await between reading and
// writing a count: JavaScript runs it to completion before any other attempt.
import {
  decision,
  delayMs,
  distinctKeys,
  type RateLimiter,
  type RateLimitPolicy,
  resolveRateLimitPolicy,
} from "./rate-limiter.js";

export interface MemoryRateLimiterOptions extends Partial<RateLimitPolicy> {
  now?: () => Date;
}

interface KeyState {
  count: number;
  blockedUntil: number;
  forgetAt: number;
}

export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const policy = resolveRateLimitPolicy(options);
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const states = new Map<string, KeyState>();

  function read(key: string, time: number): KeyState | undefined {
    const state = states.get(key);
    if (state && state.forgetAt <= time) {
      states.delete(key);
      return undefined;
    }
    return state;
  }

  // forgotten keys are dropped when read, and swept now and then: an attacker cycling through
  // addresses or emails must not grow the map without bound
  const sweep = setInterval(() => {
    const time = now();
    for (const [key, state] of states) if (state.forgetAt <= time) states.delete(key);
  }, 60_000);
  sweep.unref();

  return {
    async attempt(keys) {
      const unique = distinctKeys(keys);
      const time = now();
      const waitMs = Math.max(0, ...unique.map((key) => (read(key, time)?.blockedUntil ?? 0) - time));
      if (waitMs > 0) return decision(waitMs);
      for (const key of unique) {
        const count = (read(key, time)?.count ?? 0) + 1;
        const delay = delayMs(policy, count);
        states.set(key, { count, blockedUntil: time + delay, forgetAt: time + delay + policy.windowMs });
      }
      return decision(0);
    },
    async reset(keys) {
      for (const key of keys) states.delete(key);
    },
    async close() {
      clearInterval(sweep);
      states.clear();
    },
  };
}
