// The errors a platform API answers with, typed for the caller: `isIdentityError(e)` narrows an
// unknown catch to the router's TRPCClientError whose `data` is a union discriminated by `code`
// (and by `reason` on UNAUTHORIZED), so `reason`, `retryAfterSeconds` and `issues` read without
// casts. The union is built from the server's ErrorData (@platform/auth error-formatter.ts and
// errors.ts): a renamed reason or field stops this file or its callers compiling; a field added
// there reaches every member through CommonData.
import type { ErrorData } from "@platform/api";
import { TRPCClientError } from "@trpc/client";

import type { AppRouter } from "./router-types.js";

/** The fields every error's data has, whatever its code (code, httpStatus, path; stack in dev). */
type CommonData = Omit<ErrorData, "code" | "reason" | "retryAfterSeconds" | "issues">;
type Code = ErrorData["code"];

/** The codes whose data carries fields of their own; every other code carries only CommonData. */
type DetailedCode = "UNAUTHORIZED" | "TOO_MANY_REQUESTS" | "BAD_REQUEST";

/** `error.data` from any app of the platform, one member per shape the server sends. */
export type IdentityErrorData =
  /** A fresh access token could cure it: refresh, then retry (the client does so itself). */
  | (CommonData & { code: "UNAUTHORIZED"; reason: NonNullable<ErrorData["reason"]> })
  /** Wrong credentials, a refused refresh token: no refresh will help. */
  | (CommonData & { code: "UNAUTHORIZED"; reason?: undefined })
  /** Whole seconds to wait before trying again (also the HTTP `Retry-After`). */
  | (CommonData & { code: "TOO_MANY_REQUESTS"; retryAfterSeconds: NonNullable<ErrorData["retryAfterSeconds"]> })
  /** From input validation: every problem, field by field (absent on other BAD_REQUESTs). */
  | (CommonData & { code: "BAD_REQUEST"; issues?: NonNullable<ErrorData["issues"]> })
  | (CommonData & { code: Exclude<Code, DetailedCode> });

/** The router's TRPCClientError when the server answered with an error (not a transport failure). */
export type IdentityError = Omit<TRPCClientError<AppRouter>, "data"> & { readonly data: IdentityErrorData };

/**
 * True when `error` is the API's answer to a call: then `error.data.code` says which, and the
 * fields of that code are typed. False for anything else, including a server that could not be
 * reached or is not a tRPC endpoint (see transport-errors.ts: those carry no data).
 */
export function isIdentityError(error: unknown): error is IdentityError {
  return error instanceof TRPCClientError && typeof (error.data as { code?: unknown } | undefined)?.code === "string";
}

// Compile-time checks against the server's types. Each line fails to compile when the server's
// ErrorData changes in a way the union above does not follow.
/** Every member is something the server may send (a field's type changed on the server: fails). */
export type _EveryMemberIsErrorData = Assert<IdentityErrorData extends ErrorData ? true : false>;
/** Every code the server may send is covered (a code the union lost: fails). */
export type _EveryCodeCovered = Assert<Code extends IdentityErrorData["code"] ? true : false>;
type Assert<T extends true> = T;
