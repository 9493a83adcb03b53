// The error of a key lookup that could not be made: the identity's JWKS did not answer in time,
// refused the connection, or answered something that is not a usable key set (an HTTP error, not
// JSON, a malformed set, a member that is not a public key). No key means no decision: the caller
// answers 503 (it is a ServiceUnreachableError, see service-errors.ts), never UNAUTHORIZED and
// never access.
import { ServiceUnreachableError } from "./service-errors.js";

export class KeySetUnavailableError extends ServiceUnreachableError {
  /** `where`: the JWKS URL, or which JWKS, for the log line of the outage. */
  constructor(cause: unknown, where = "the JWKS") {
    super(`No usable signing keys could be had from ${where}`, { cause });
    this.name = "KeySetUnavailableError";
  }
}

export function isKeySetUnavailable(error: unknown): error is KeySetUnavailableError {
  return error instanceof KeySetUnavailableError;
}
