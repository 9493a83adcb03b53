// The wire format of errors: what a client receives in `error.message` and `error.data`. Every app
// of the platform formats errors with this one function, so one client handles them all.
//   BAD_REQUEST from input validation  a readable message and `data.issues` (path and message each)
//   INTERNAL_SERVER_ERROR              "Internal server error": never a stack, SQL or host name
//   errors built in errors.ts          their ErrorDetails in `data` (`reason`, `retryAfterSeconds`)
import type { TRPCDefaultErrorData, TRPCDefaultErrorShape, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";

import { type ErrorDetails, errorDetailsOf } from "./errors.js";

/** One input problem: where (e.g. ["email"]) and what, in words. */
export interface InputIssue {
  path: PropertyKey[];
  message: string;
}

/** `error.data` as every app of the platform sends it. */
export interface ErrorData extends TRPCDefaultErrorData, ErrorDetails {
  /** On BAD_REQUEST from input validation: every problem, field by field. */
  issues?: InputIssue[];
}

export interface ErrorShape extends TRPCDefaultErrorShape {
  data: ErrorData;
}

export function formatError({ shape, error }: { shape: TRPCDefaultErrorShape; error: TRPCError }): ErrorShape {
  if (error.code === "BAD_REQUEST" && error.cause instanceof ZodError) {
    const issues = error.cause.issues.map(({ path, message }) => ({ path, message }));
    return { ...shape, message: z.prettifyError(error.cause), data: { ...shape.data, issues } };
  }
  if (error.code === "INTERNAL_SERVER_ERROR") return { ...shape, message: "Internal server error" };
  return { ...shape, data: { ...shape.data, ...errorDetailsOf(error) } };
}
