// Password policy for new passwords (sign-up, password change): 8 to 128 characters counted as
// Unicode code points of the NFC form (any script, emoji included; the form hashPassword stores),
// checked before hashing and never truncated, not only spaces and invisible or control characters,
// and not one of the most common passwords. Sign-in checks the length only: an existing password
// keeps working until its owner changes it.
// Browser-safe (`@platform/auth/password-policy`: the web app's forms check it): no Node imports.
import { commonPasswords } from "./common-passwords.js";

export const passwordLengthLimits = { min: 8, max: 128 } as const;

/** Why the password's length is out of bounds (any password: sign-in too), or null when it is not. */
export function passwordLengthProblem(password: string): string | null {
  // code points of the NFC form: what a person counts as characters, near enough, whichever
  // form their keyboard sent
  const length = Array.from(password.normalize("NFC")).length;
  if (length < passwordLengthLimits.min) return `Password must be at least ${passwordLengthLimits.min} characters`;
  if (length > passwordLengthLimits.max) return `Password must be at most ${passwordLengthLimits.max} characters`;
  return null;
}

/** White space (any script's), control characters and invisible format characters (zero-width, BOM). */
const blankCharacters = /^[\s\p{Z}\p{Cc}\p{Cf}]*$/u;
const isBlank = (password: string) => blankCharacters.test(password);

/** Why the password is not acceptable as a new password, or null when it is. */
export function passwordPolicyProblem(password: string): string | null {
  const lengthProblem = passwordLengthProblem(password);
  if (lengthProblem) return lengthProblem;
  if (isBlank(password)) return "Password must contain something other than spaces and invisible or control characters";
  if (commonPasswords.has(password.normalize("NFC").toLowerCase())) {
    return "This password is one of the most common passwords and easy to guess; choose another";
  }
  return null;
}
