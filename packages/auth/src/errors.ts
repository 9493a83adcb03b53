// Every error the platform's procedures throw, in one table (the way Fastify's lib/errors.js and
// jose's util/errors.ts keep theirs): the tRPC code, the message a person reads, and the fields a
// client may read in `error.data`. Procedures throw what this module builds; helpers that decide
// return a result and leave the choice of error to the procedure. The identity API adds its own
// rows in apps/api/src/errors.ts; every app of the platform shares these.
import { TRPCError } from "@trpc/server";

/**
 * The fields this platform adds to tRPC's `error.data`: the wire vocabulary a client depends on.
 * The client reads them through the router's error shape (see error-formatter.ts), so a renamed
 * field or reason breaks the client's build, not its behaviour.
 */
export interface ErrorDetails {
  /** On UNAUTHORIZED: "session" when a fresh access token could cure it (refresh, then retry). */
  reason?: UnauthorizedReason;
  /** On TOO_MANY_REQUESTS: whole seconds to wait; the HTTP server also sends it as `Retry-After`. */
  retryAfterSeconds?: number;
}

/** Why a call was UNAUTHORIZED, when a client can do something about it. */
export type UnauthorizedReason = "session";

/** Carries ErrorDetails as a TRPCError's `cause`; the error formatter copies them into `data`. */
export class ErrorDetailsCause extends Error {
  override name = "ErrorDetailsCause";
  constructor(readonly details: ErrorDetails) {
    super(JSON.stringify(details));
  }
}

/** The details an error carries (none for errors not built here). */
export function errorDetailsOf(error: unknown): ErrorDetails {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof ErrorDetailsCause ? cause.details : {};
}

export const platformErrors = {
  /** No live session: no token, a bad or expired one, or a revoked session. */
  sessionRequired: () =>
    new TRPCError({
      code: "UNAUTHORIZED",
      message: "Not signed in, or the session has ended",
      cause: new ErrorDetailsCause({ reason: "session" }),
    }),

  /** Signed in, but without any of the roles the procedure needs. */
  missingRole: (roles: readonly string[]) =>
    new TRPCError({ code: "FORBIDDEN", message: `Requires one of the roles: ${roles.join(", ")}` }),

  /** The one answer to every failed sign-in or password check, whatever was wrong. */
  invalidCredentials: () => new TRPCError({ code: "UNAUTHORIZED", message: "invalid credentials" }),

  tooManyAttempts: (retryAfterSeconds: number) =>
    new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many attempts; try again in ${retryAfterSeconds} seconds`,
      cause: new ErrorDetailsCause({ retryAfterSeconds }),
    }),

  /** Postgres or Redis cannot be reached: the client may retry shortly. */
  serviceUnavailable: (cause: unknown) =>
    new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "A backing service is unavailable; try again shortly",
      cause,
    }),
} as const;
