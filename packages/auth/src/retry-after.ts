/**
 * The cause of a TOO_MANY_REQUESTS error: how long to wait. The error formatter copies it into
 * the error's `data.retryAfterSeconds`, and the HTTP server into a `Retry-After` header.
 */
export class RetryAfter extends Error {
  override name = "RetryAfter";
  constructor(readonly seconds: number) {
    super(`retry after ${seconds} s`);
  }
}

/** The wait carried by an error (a TRPCError whose cause is a RetryAfter), if any. */
export function retryAfterSecondsOf(error: unknown): number | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof RetryAfter ? cause.seconds : undefined;
}
