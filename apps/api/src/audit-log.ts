// The audit trail: one row per security-relevant event, written by the code that did the thing.
// A change of state (a revocation, a role change, a new password, a deletion) is recorded in its
// own transaction (auditInTransaction); any other event is best effort (recordAudit): a failed
// write is logged and does not fail the operation it records.
// The table is append-only, enforced by a trigger (prisma/migrations/*_audit_append_only).
//
// Refusals are recorded too, but a flood of them must not become a flood of writes:
//  - 429s once per block of a key, per instance (sign-in-limits.ts), not once per refused request;
//  - FORBIDDEN and sign-up conflicts once per call: a FORBIDDEN needs a live session (the caller
//    is accountable, and any signed-in call such as sessions.revokeOthers writes a row anyway), and
//    a sign-up has spent from the IP's back-off budget and an argon2 hash before it conflicts;
//  - anonymous UNAUTHORIZED (no or a bad token) is not recorded: it costs the caller nothing.
import type { RequestInfo } from "@platform/auth";
import type { Prisma } from "@platform/db";

import type { ApiDeps } from "./deps.js";

export const auditActions = [
  "sign_in",
  "sign_up",
  "sign_out",
  "refresh_reuse_detected",
  "password_change",
  "role_change",
  "session_revoke",
  "user_delete",
  /** A signed-in caller refused for want of a role (FORBIDDEN); details: path, requiredRoles. */
  "access_denied",
  /** A sign-in, sign-up or password check refused by the back-off (429), once per block. */
  "rate_limited",
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEventInput {
  action: AuditAction;
  outcome: "success" | "failure";
  actorId?: string | null;
  subjectId?: string | null;
  request?: RequestInfo;
  details?: Prisma.InputJsonValue;
}

function auditRow(event: AuditEventInput): Prisma.AuditEventCreateInput {
  return {
    action: event.action,
    outcome: event.outcome,
    actorId: event.actorId ?? null,
    subjectId: event.subjectId ?? null,
    ip: event.request?.ip ?? null,
    userAgent: event.request?.userAgent ?? null,
    ...(event.details === undefined ? {} : { details: event.details }),
  };
}

/**
 * Records an event that is not a change of state (a refusal, a sign-in): best effort, a failed
 * write is logged and the operation goes on.
 */
export async function recordAudit(deps: Pick<ApiDeps, "prisma" | "logger">, event: AuditEventInput): Promise<void> {
  try {
    await deps.prisma.auditEvent.create({ data: auditRow(event) });
  } catch (error) {
    deps.logger.error(
      { err: error, action: event.action, outcome: event.outcome },
      `audit: could not record ${event.action}/${event.outcome}`,
    );
  }
}

/**
 * Records a change in the change's own transaction: the change and its event commit together or
 * not at all, so it is recorded exactly once (never lost, never written twice by a retry).
 */
export async function auditInTransaction(tx: Prisma.TransactionClient, event: AuditEventInput): Promise<void> {
  await tx.auditEvent.create({ data: auditRow(event) });
}
