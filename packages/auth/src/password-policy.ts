// Password policy for new passwords (sign-up, password change): 8 to 128 characters counted as
// Unicode code points (any script, emoji included), checked before hashing and never truncated,
// and not one of the most common passwords. Sign-in does not apply the list: an existing password
// keeps working until its owner changes it.
import { commonPasswords } from "./common-passwords.js";

export const passwordLengthLimits = { min: 8, max: 128 } as const;

/** Why the password's length is out of bounds (any password: sign-in too), or null when it is not. */
export function passwordLengthProblem(password: string): string | null {
  const length = Array.from(password).length; // code points: what a person counts as characters, near enough
  if (length < passwordLengthLimits.min) return `Password must be at least ${passwordLengthLimits.min} characters`;
  if (length > passwordLengthLimits.max) return `Password must be at most ${passwordLengthLimits.max} characters`;
  return null;
}

/** Why the password is not acceptable as a new password, or null when it is. */
export function passwordPolicyProblem(password: string): string | null {
  const lengthProblem = passwordLengthProblem(password);
  if (lengthProblem) return lengthProblem;
  if (commonPasswords.has(password.toLowerCase())) {
    return "This password is one of the most common passwords and easy to guess; choose another";
  }
  return null;
}
