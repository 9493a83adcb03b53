// Input rules shared by several procedures, with messages a person understands.
import { passwordLengthProblem, passwordPolicyProblem } from "@platform/auth";
import { z } from "zod";

/** A zod refinement from a policy function that says what is wrong, or null. */
const reportProblem = (problemOf: (value: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const problem = problemOf(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/** Trimmed and lower-cased, so that one mailbox is one account whatever the case typed. */
export const emailSchema = z
  .string({ error: "Email must be a string" })
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email("Email must be a valid email address"));

/** Length is checked in characters (any Unicode), before hashing; nothing is truncated. */
export const passwordSchema = z
  .string({ error: "Password must be a string" })
  .superRefine(reportProblem(passwordLengthProblem));

export const userIdSchema = z
  .string({ error: "User id must be a string" })
  .trim()
  .min(1, "User id is required")
  .max(64);

/** A password being set (sign-up, change): the length rules plus the common-password list. */
export const newPasswordSchema = z
  .string({ error: "Password must be a string" })
  .superRefine(reportProblem(passwordPolicyProblem));

export const nameSchema = z
  .string({ error: "Name must be a string" })
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters");

export const sessionIdSchema = z
  .string({ error: "Session id must be a string" })
  .trim()
  .min(1, "Session id is required")
  .max(64);

/** Role names: lower-case words, e.g. "admin", "support-agent". */
export const rolesSchema = z
  .array(
    z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "Roles are lower-case words (a-z, 0-9, _ and -), up to 32 characters"),
  )
  .min(1, "A user needs at least one role")
  .max(16, "At most 16 roles")
  .transform((roles) => [...new Set(roles)]);
