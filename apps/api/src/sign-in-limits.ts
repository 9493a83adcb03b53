// Sign-in back-off (see @platform/auth rate-limiter.ts for the model): one budget per account
// (the normalised email, so case variants share it) and a larger one per client IP. Sign-up
// spends from the IP budget too, which slows down probing for taken emails (CONFLICT). The IP is
// Fastify's request.ip, which only follows X-Forwarded-For when TRUST_PROXY is configured.
// These decide; the procedures throw (TOO_MANY_REQUESTS) when an attempt is not allowed.
//
// Known devices: the account's budget is shared by everyone who types that email, so a stranger
// with a few addresses could keep it spent and the owner locked out. A successful sign-in
// therefore returns a device token (@platform/auth device-tokens.ts); a sign-in that presents a
// valid one for the same account spends from that device's own budget (`known` limiter, the
// account's policy) instead of the account's. Strangers cannot spend it (they have no token), and
// a flood from the device itself still backs off. Everyone spends from the IP's budget. Limits:
// the owner on a new device, or one that lost its token, is a stranger until a sign-in succeeds;
// a stolen device token is one more budget of guesses (as slow as the account's), no session.
// A password change checks the current password from a signed-in session, which is known too:
// it spends from that session's budget, so a stranger cannot stop the owner changing it either.
//
// Refusals are audited once per block of a key, not once per refused request: a flood against a
// blocked account would otherwise turn each cheap refusal into a write. The memory of which blocks
// were recorded is per instance (N instances: at most N rows per block) and bounded.
import type { RateLimitDecision, RequestInfo } from "@platform/auth";

import { recordAudit } from "./audit-log.js";
import type { ApiDeps } from "./deps.js";

/** The back-off budgets an attempt can spend from. */
export type SignInBudget = "ip" | "account" | "device" | "session";

/** An attempt's answer; a refusal says which budget refused it. */
export type SignInDecision =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; limitedBy: { budget: SignInBudget; key: string } };

/** A sign-in's answer: when allowed, the known device it spent from (null: the account's budget). */
export type SignInAttempt =
  | Extract<SignInDecision, { allowed: false }>
  | { allowed: true; email: string; knownDevice: { deviceId: string } | null };

const allowed: SignInDecision = { allowed: true };

function refusedBy(decision: RateLimitDecision, budget: SignInBudget, key: string): SignInDecision {
  return decision.allowed ? allowed : { ...decision, limitedBy: { budget, key } };
}

/** Counts an attempt from the client's IP (sign-in, sign-up). */
export async function takeIpAttempt(deps: ApiDeps, request: RequestInfo): Promise<SignInDecision> {
  if (!request.ip) return allowed; // in-process callers (tests, scripts) have no IP
  return refusedBy(await deps.signInLimiters.ip.attempt([request.ip]), "ip", request.ip);
}

/** A known device's key in the `known` limiter. */
const deviceKey = ({ deviceId }: { deviceId: string }) => `device:${deviceId}`;

/**
 * Counts a sign-in attempt for the IP and, if that one is allowed, for the device when
 * `deviceToken` is a valid one for this account, otherwise for the account.
 */
export async function takeSignInAttempt(
  deps: ApiDeps,
  email: string,
  request: RequestInfo,
  deviceToken?: string,
): Promise<SignInAttempt> {
  const byIp = await takeIpAttempt(deps, request);
  if (!byIp.allowed) return byIp;
  const knownDevice = deviceToken === undefined ? null : deps.deviceTokens.read(deviceToken, email);
  const decision = knownDevice
    ? refusedBy(await deps.signInLimiters.known.attempt([deviceKey(knownDevice)]), "device", knownDevice.deviceId)
    : refusedBy(await deps.signInLimiters.account.attempt([email]), "account", email);
  return decision.allowed ? { allowed: true, email, knownDevice } : decision;
}

/**
 * After a successful sign-in, the budget it spent from starts afresh (the IP's does not). A known
 * device's success leaves the account's count alone: it says nothing about the strangers.
 */
export async function clearSignInAttempts(
  deps: ApiDeps,
  attempt: Extract<SignInAttempt, { allowed: true }>,
): Promise<void> {
  if (attempt.knownDevice) await deps.signInLimiters.known.reset([deviceKey(attempt.knownDevice)]);
  else await clearAccountAttempts(deps, attempt.email);
}

async function clearAccountAttempts(deps: ApiDeps, email: string): Promise<void> {
  await deps.signInLimiters.account.reset([email]);
}

/** A session's key in the `known` limiter. */
const sessionKey = (sessionId: string) => `session:${sessionId}`;

/**
 * Counts a check of the current password from a signed-in session (a password change) for the IP
 * and, if that one is allowed, for the session: a stolen token guesses as slowly as a stranger.
 */
export async function takeSessionPasswordAttempt(
  deps: ApiDeps,
  sessionId: string,
  request: RequestInfo,
): Promise<SignInDecision> {
  const byIp = await takeIpAttempt(deps, request);
  if (!byIp.allowed) return byIp;
  return refusedBy(await deps.signInLimiters.known.attempt([sessionKey(sessionId)]), "session", sessionId);
}

/** After the session's password check succeeded, its count starts afresh. */
export async function clearSessionPasswordAttempts(deps: ApiDeps, sessionId: string): Promise<void> {
  await deps.signInLimiters.known.reset([sessionKey(sessionId)]);
}

/** A fresh device token for the client that just signed in (or up): its device, or a new one. */
export function issueDeviceToken(
  deps: ApiDeps,
  email: string,
  knownDevice: { deviceId: string } | null = null,
): string {
  return deps.deviceTokens.issue(email, knownDevice?.deviceId);
}

/** Which blocks have had a refusal audited: `isNew` is true for the first refusal of a block. */
export interface AuditedBlocks {
  isNew(key: string, retryAfterSeconds: number, now: Date): boolean;
}

export function createAuditedBlocks(maxEntries = 10_000): AuditedBlocks {
  /** key -> when its block ends at the latest (retryAfterSeconds is rounded up to whole seconds) */
  const blockEnds = new Map<string, number>();
  return {
    isNew(key, retryAfterSeconds, now) {
      const time = now.getTime();
      const end = blockEnds.get(key);
      if (end !== undefined && end > time) return false;
      blockEnds.delete(key);
      if (blockEnds.size >= maxEntries) {
        for (const [other, otherEnd] of blockEnds) if (otherEnd <= time) blockEnds.delete(other);
        // still full of live blocks: forget the oldest (its next refusal is recorded again)
        const oldest = blockEnds.keys().next();
        if (blockEnds.size >= maxEntries && !oldest.done) blockEnds.delete(oldest.value);
      }
      blockEnds.set(key, time + retryAfterSeconds * 1000);
      return true;
    },
  };
}

/** Records a refused attempt (429) in the audit trail, unless its block has been recorded already. */
export async function auditRefusal(
  deps: ApiDeps,
  refusal: Extract<SignInDecision, { allowed: false }>,
  event: { procedure: string; request: RequestInfo; actorId?: string; email?: string },
): Promise<void> {
  const { budget, key } = refusal.limitedBy;
  if (!deps.auditedBlocks.isNew(`${budget}:${key}`, refusal.retryAfterSeconds, deps.now())) return;
  await recordAudit(deps, {
    action: "rate_limited",
    outcome: "failure",
    actorId: event.actorId ?? null,
    request: event.request,
    details: {
      procedure: event.procedure,
      budget,
      retryAfterSeconds: refusal.retryAfterSeconds,
      ...(event.email === undefined ? {} : { email: event.email }),
    },
  });
}
