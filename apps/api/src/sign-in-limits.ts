// Sign-in back-off (see @platform/auth rate-limiter.ts for the model): one budget per account
// (the normalised email, so case variants share it) and a larger one per client IP. Sign-up
// spends from the IP budget too, which slows down probing for taken emails (CONFLICT). The IP is
// Fastify's request.ip, which only follows X-Forwarded-For when TRUST_PROXY is configured.
// These decide; the procedures throw (TOO_MANY_REQUESTS) when an attempt is not allowed.
//
// Refusals are audited once per block of a key, not once per refused request: a flood against a
// blocked account would otherwise turn each cheap refusal into a write. The memory of which blocks
// were recorded is per instance (N instances: at most N rows per block) and bounded.
import type { RateLimitDecision, RequestInfo } from "@platform/auth";

import { recordAudit } from "./audit-log.js";
import type { ApiDeps } from "./deps.js";

/** An attempt's answer; a refusal says which budget refused it. */
export type SignInDecision =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number; limitedBy: { budget: "ip" | "account"; key: string } };

const allowed: SignInDecision = { allowed: true };

function refusedBy(decision: RateLimitDecision, budget: "ip" | "account", key: string): SignInDecision {
  return decision.allowed ? allowed : { ...decision, limitedBy: { budget, key } };
}

/** Counts an attempt from the client's IP (sign-in, sign-up). */
export async function takeIpAttempt(deps: ApiDeps, request: RequestInfo): Promise<SignInDecision> {
  if (!request.ip) return allowed; // in-process callers (tests, scripts) have no IP
  return refusedBy(await deps.signInLimiters.ip.attempt([request.ip]), "ip", request.ip);
}

/** Counts a sign-in attempt for the IP and, if that one is allowed, for the account. */
export async function takeSignInAttempt(deps: ApiDeps, email: string, request: RequestInfo): Promise<SignInDecision> {
  const byIp = await takeIpAttempt(deps, request);
  return byIp.allowed ? refusedBy(await deps.signInLimiters.account.attempt([email]), "account", email) : byIp;
}

/** After a successful sign-in the account's count starts afresh (the IP's does not). */
export async function clearAccountAttempts(deps: ApiDeps, email: string): Promise<void> {
  await deps.signInLimiters.account.reset([email]);
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
