// Sign-in rate limiting: exponential back-off per key, never a permanent lockout. Keys are the
// caller's strings (e.g. `account:<normalised email>`, `ip:<client ip>`); the limiter only counts.
//
// Model, per key: every attempt the limiter lets through is counted, up front, as a failure.
// The first `freeAttempts` cost nothing; each one after that blocks the key for
// baseDelayMs * 2^(excess - 1), capped at maxDelayMs (1 s, 2 s, 4 s … 15 min by default). A key's
// count is forgotten after `windowMs` without an attempt, measured from when its block ends, so
// the back-off keeps growing while an attack goes on and lapses once it stops: nobody can lock an
// account for longer than maxDelayMs after their last attempt.
//
// Why one atomic `attempt` rather than check-then-recordFailure: with a separate check, twenty
// parallel requests all pass the check before any failure is recorded. `attempt` checks and counts
// in one step (a Lua script in Redis, synchronous code in process), and for several keys it is all
// or nothing: if any key is blocked, nothing is counted and the answer is the longest wait.
//
// After a successful sign-in, `reset` the account key: its count (including this attempt) is
// forgotten. Keys you do not reset (an IP) keep counting successes too; do not reset IP keys on
// success (an attacker would sign in to an account of their own to wipe their IP's count), and if
// many honest users share an address, limit IPs with a limiter of their own and a larger budget.
//
// Limits: counting attempts rather than wrong passwords means a burst of 20 requests for one
// account lets freeAttempts + 1 through (the free ones, then the one that earns the first delay),
// whatever their outcome.

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Atomically: when no key is blocked, counts one attempt against every key and allows it;
   * otherwise counts nothing and says how long to wait (whole seconds, rounded up, at least 1).
   */
  attempt(keys: readonly string[]): Promise<RateLimitDecision>;
  /** Forgets the keys' counts and blocks (after a successful sign-in, for the account key). */
  reset(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitPolicy {
  /** Attempts per key that earn no delay. */
  freeAttempts: number;
  /** A key's count is forgotten after this long without an attempt (counted from when its block ends). */
  windowMs: number;
  /** The delay earned by the first attempt beyond the free ones; it doubles with each further one. */
  baseDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
}

export const defaultRateLimitPolicy: Readonly<RateLimitPolicy> = {
  freeAttempts: 5,
  windowMs: 15 * 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
};

/** The defaults overridden by the options that are set; a bad value throws, naming the option. */
export function resolveRateLimitPolicy(options: Partial<RateLimitPolicy>): RateLimitPolicy {
  const policy: RateLimitPolicy = {
    freeAttempts: options.freeAttempts ?? defaultRateLimitPolicy.freeAttempts,
    windowMs: options.windowMs ?? defaultRateLimitPolicy.windowMs,
    baseDelayMs: options.baseDelayMs ?? defaultRateLimitPolicy.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? defaultRateLimitPolicy.maxDelayMs,
  };
  for (const [name, value] of Object.entries(policy)) {
    const least = name === "freeAttempts" ? 0 : 1; // Redis refuses a zero TTL
    if (!Number.isSafeInteger(value) || value < least)
      throw new RangeError(`rate limiter: ${name} must be an integer >= ${least}, got ${value}`);
  }
  return policy;
}

/** The block earned by the attempt that brings a key's count to `count` (0 while free). */
export function delayMs(policy: RateLimitPolicy, count: number): number {
  const excess = count - policy.freeAttempts;
  if (excess <= 0) return 0;
  // past 2^52 the doubling is beyond any cap anyway; stop before it leaves exact integers
  return excess > 52 ? policy.maxDelayMs : Math.min(policy.baseDelayMs * 2 ** (excess - 1), policy.maxDelayMs);
}

/** Each key once, in order. An empty list is a bug in the caller: it would limit nothing. */
export function distinctKeys(keys: readonly string[]): string[] {
  if (keys.length === 0) throw new Error("rate limiter: attempt needs at least one key");
  return [...new Set(keys)];
}

/** The answer to an attempt, from the longest remaining block among its keys (0 when none). */
export function decision(waitMs: number): RateLimitDecision {
  return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true };
}
