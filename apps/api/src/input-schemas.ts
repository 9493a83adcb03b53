// Input rules shared by several procedures, with messages a person understands. Browsers use them
// too (`@platform/api/input-schemas`: the web app checks its forms with the API's own rules), so
// this module imports only zod and the password policy, never the rest of @platform/auth (argon2,
// ioredis); apps/web's build fails if a server package reaches its bundle.
import { passwordLengthProblem, passwordPolicyProblem } from "@platform/auth/password-policy";
import { z } from "zod";

/** A zod refinement from a policy function that says what is wrong, or null. */
const reportProblem = (problemOf: (value: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const problem = problemOf(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/**
 * Every string input starts here: a string ("<label> must be a string") without NUL characters.
 * PostgreSQL cannot store NUL in text, so one reaching a query is a 500 and a long error log;
 * no honest client sends one, so it is refused at validation like any other bad input (400).
 */
export function textInput(label: string) {
  return z
    .string({ error: `${label} must be a string` })
    .refine((value) => !value.includes("\u0000"), `${label} must not contain NUL characters (\\u0000)`);
}

/** Trimmed and lower-cased, so that one mailbox is one account whatever the case typed. */
export const emailSchema = textInput("Email")
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email("Email must be a valid email address"));

/** Length is checked in characters (any Unicode), before hashing; nothing is truncated. */
export const passwordSchema = textInput("Password").superRefine(reportProblem(passwordLengthProblem));

export const userIdSchema = textInput("User id").trim().min(1, "User id is required").max(64);

/** A password being set (sign-up, change): the length rules plus the common-password list. */
export const newPasswordSchema = textInput("Password").superRefine(reportProblem(passwordPolicyProblem));

export const nameSchema = textInput("Name")
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters");

/** Any string of a sane length: one that is not an authentic token counts as no device, not as an error. */
export const deviceTokenSchema = textInput("Device token").max(256, "Device token must be at most 256 characters");

export const sessionIdSchema = textInput("Session id").trim().min(1, "Session id is required").max(64);

/** Role names: lower-case words, e.g. "admin", "support-agent". */
export const rolesSchema = z
  .array(
    textInput("A role").regex(
      /^[a-z][a-z0-9_-]{0,31}$/,
      "Roles are lower-case words (a-z, 0-9, _ and -), up to 32 characters",
    ),
  )
  .min(1, "A user needs at least one role")
  .max(16, "At most 16 roles")
  .transform((roles) => [...new Set(roles)]);
