// Every error the identity API throws, in one table: the platform's (@platform/auth errors.ts:
// session, role, credentials, rate limit, outage) and the rows of this API. Procedures throw
// `errors.x(...)`; nothing else builds a TRPCError.
import { platformErrors } from "@platform/auth";
import { TRPCError } from "@trpc/server";

export const errors = {
  ...platformErrors,

  userNotFound: (id: string) => new TRPCError({ code: "NOT_FOUND", message: `No user with id '${id}'` }),

  /** Also the answer for another user's session, so that ids cannot be probed. */
  sessionNotFound: (id: string) => new TRPCError({ code: "NOT_FOUND", message: `No session with id '${id}'` }),

  emailTaken: () => new TRPCError({ code: "CONFLICT", message: "An account with this email already exists" }),

  lastAdmin: () =>
    new TRPCError({ code: "CONFLICT", message: "This is the last admin: there must always be at least one admin" }),

  refreshTokenRejected: () =>
    new TRPCError({
      code: "UNAUTHORIZED",
      message: "The refresh token is invalid, expired or already used; sign in again",
    }),

  /** auth.refresh from the cookie, by a request that fails the CSRF checks (refresh-cookie.ts). */
  refreshCookieCrossSite: () =>
    new TRPCError({ code: "FORBIDDEN", message: "This request came from a site that may not use the refresh cookie." }),
  refreshCookieDuplicated: () =>
    new TRPCError({
      code: "FORBIDDEN",
      message:
        "Two refresh cookies were sent (another site on this domain may have set one): clear this site's cookies and sign in again.",
    }),
} as const;
