// Sign-in back-off (see @platform/auth rate-limiter.ts for the model): one budget per account
// (the normalised email, so case variants share it) and a larger one per client IP. Sign-up
// spends from the IP budget too, which slows down probing for taken emails (CONFLICT). The IP is
// Fastify's request.ip, which only follows X-Forwarded-For when TRUST_PROXY is configured.
// These decide; the procedures throw (TOO_MANY_REQUESTS) when an attempt is not allowed.
import type { RateLimitDecision, RequestInfo } from "@platform/auth";

import type { ApiDeps } from "./deps.js";

const allowed: RateLimitDecision = { allowed: true };

/** Counts an attempt from the client's IP (sign-in, sign-up). */
export async function takeIpAttempt(deps: ApiDeps, request: RequestInfo): Promise<RateLimitDecision> {
  if (!request.ip) return allowed; // in-process callers (tests, scripts) have no IP
  return deps.signInLimiters.ip.attempt([request.ip]);
}

/** Counts a sign-in attempt for the IP and, if that one is allowed, for the account. */
export async function takeSignInAttempt(
  deps: ApiDeps,
  email: string,
  request: RequestInfo,
): Promise<RateLimitDecision> {
  const byIp = await takeIpAttempt(deps, request);
  return byIp.allowed ? deps.signInLimiters.account.attempt([email]) : byIp;
}

/** After a successful sign-in the account's count starts afresh (the IP's does not). */
export async function clearAccountAttempts(deps: ApiDeps, email: string): Promise<void> {
  await deps.signInLimiters.account.reset([email]);
}
