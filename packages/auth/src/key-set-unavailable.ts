// The error of a key lookup that could not be made: the identity's JWKS did not answer in time,
// refused the connection, or answered something that is not a usable key set (an HTTP error, not
// JSON, a malformed set, a member that is not a public key). No key means no decision: the caller
// answers 503 (service-errors.ts recognises the code), never UNAUTHORIZED and never access.
export const keySetUnavailableCode = "ERR_KEY_SET_UNAVAILABLE";

export class KeySetUnavailableError extends Error {
  readonly code = keySetUnavailableCode;
  /** `where`: the JWKS URL, or which JWKS, for the log line of the outage. */
  constructor(cause: unknown, where = "the JWKS") {
    super(`No usable signing keys could be had from ${where}`, { cause });
    this.name = "KeySetUnavailableError";
  }
}

export function isKeySetUnavailable(error: unknown): error is KeySetUnavailableError {
  return error instanceof KeySetUnavailableError;
}
