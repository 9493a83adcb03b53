// How a failed tRPC call is answered and logged, the same on every app of the platform (the
// identity's server.ts, a specialist's): a Retry-After header when the error says (429) or implies
// (503) when to try again, and one log line for what is ours to fix: an outage at warn (it is not
// a bug and it passes), anything else unexpected at error. Bad input and auth failures are the
// client's business and are not logged.
import { errorDetailsOf } from "@platform/auth";
import { TRPCError } from "@trpc/server";
import type { FastifyRequest } from "fastify";

/** Sent as Retry-After with every 503: outages of Postgres or Redis are usually short. */
export const serviceUnavailableRetryAfterSeconds = 5;

/** Whole seconds a client should wait before trying again, when the error says (429) or implies (503). */
export function retryAfterSecondsOf(error: TRPCError): number | undefined {
  const { retryAfterSeconds } = errorDetailsOf(error);
  if (retryAfterSeconds !== undefined) return retryAfterSeconds;
  return error.code === "SERVICE_UNAVAILABLE" ? serviceUnavailableRetryAfterSeconds : undefined;
}

/**
 * The error that made a call fail, under tRPC's wrappers: a 503 wraps the 500 that wraps the
 * driver's error, and each wrapper repeats its message and stack, so logging the outermost one
 * prints the cause twice and names the wrong code.
 */
export function underlyingCause(error: TRPCError): unknown {
  let cause: unknown = error;
  while (cause instanceof TRPCError && cause.cause !== undefined) cause = cause.cause;
  return cause;
}

/** tRPC's `responseMeta` and `onError` options of the HTTP adapter, for any router. */
export const callFailureOptions = {
  responseMeta({ errors }: { errors: TRPCError[] }): { headers?: Record<string, string> } {
    const retryAfter = errors.map(retryAfterSecondsOf).find((seconds) => seconds !== undefined);
    return retryAfter === undefined ? {} : { headers: { "retry-after": String(retryAfter) } };
  },
  onError({ error, path, req }: { error: TRPCError; path: string | undefined; req: FastifyRequest }) {
    const fields = { code: error.code, path, err: underlyingCause(error) };
    if (error.code === "SERVICE_UNAVAILABLE")
      req.log.warn(fields, "procedure failed: a backing service is unavailable");
    else if (error.code === "INTERNAL_SERVER_ERROR") req.log.error(fields, "procedure failed");
  },
};
