// The QueryClient PlatformProvider makes when it is given none. An answer of the API that says
// the call itself is wrong (4xx: forbidden, not found, bad input) is final and shown at once;
// only failures that may pass (network, 5xx) are tried again.
import { isIdentityError } from "@platform/client";
import { QueryClient } from "@tanstack/react-query";

const maxRetries = 2;

/** True when a retry cannot change the answer: the API refused the call itself (4xx). */
export function isFinalAnswer(error: unknown): boolean {
  return isIdentityError(error) && error.data.httpStatus < 500;
}

export function createPlatformQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: (failures, error) => failures < maxRetries && !isFinalAnswer(error) },
      mutations: { retry: false },
    },
  });
}
