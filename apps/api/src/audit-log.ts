// The audit trail: one row per security-relevant event, written by the code that did the thing.
// Writing an event never fails the operation it records: a failed write is logged instead.
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

export async function recordAudit(deps: Pick<ApiDeps, "prisma" | "logger">, event: AuditEventInput): Promise<void> {
  try {
    await deps.prisma.auditEvent.create({
      data: {
        action: event.action,
        outcome: event.outcome,
        actorId: event.actorId ?? null,
        subjectId: event.subjectId ?? null,
        ip: event.request?.ip ?? null,
        userAgent: event.request?.userAgent ?? null,
        ...(event.details === undefined ? {} : { details: event.details }),
      },
    });
  } catch (error) {
    deps.logger.error(
      { err: error, action: event.action, outcome: event.outcome },
      `audit: could not record ${event.action}/${event.outcome}`,
    );
  }
}
