// Sign-in back-off (see @platform/auth rate-limiter.ts for the model): one budget per account
// (the normalised email, so case variants share it) and a larger one per client IP. Sign-up
// spends from the IP budget too, which slows down probing for taken emails (CONFLICT). The IP is
// Fastify's request.ip, which only follows X-Forwarded-For when TRUST_PROXY is configured.
import type { RequestInfo } from "@platform/auth";

import type { ApiDeps } from "./deps.js";

const accountKey = (email: string) => `account:${email}`;

/** Counts an attempt from the client's IP (sign-in, sign-up); null when it may proceed, else the seconds to wait. */
export async function takeIpAttempt(deps: ApiDeps, request: RequestInfo): Promise<number | null> {
  if (!request.ip) return null; // in-process callers (tests, scripts) have no IP
  const byIp = await deps.signInLimiters.ip.attempt([`ip:${request.ip}`]);
  return byIp.allowed ? null : byIp.retryAfterSeconds;
}

/** Counts a sign-in attempt for the IP and the account; null when it may proceed, else the seconds to wait. */
export async function takeSignInAttempt(deps: ApiDeps, email: string, request: RequestInfo): Promise<number | null> {
  const ipWait = await takeIpAttempt(deps, request);
  if (ipWait !== null) return ipWait;
  const byAccount = await deps.signInLimiters.account.attempt([accountKey(email)]);
  return byAccount.allowed ? null : byAccount.retryAfterSeconds;
}

/** After a successful sign-in the account's count starts afresh (the IP's does not). */
export async function clearAccountAttempts(deps: ApiDeps, email: string): Promise<void> {
  await deps.signInLimiters.account.reset([accountKey(email)]);
}
