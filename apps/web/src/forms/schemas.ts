// The forms' rules are the API's own (`@platform/api/input-schemas`, which reaches only zod and
// the password policy): a form refuses exactly what the API would, with the API's words, before
// sending anything. form-errors.test.ts holds each form to the procedure it calls.
import { emailSchema, nameSchema, newPasswordSchema, passwordSchema, rolesSchema } from "@platform/api/input-schemas";
import { z } from "zod";

/** auth.signIn: the length of the password only (an existing password keeps working). */
export const signInSchema = z.object({ email: emailSchema, password: passwordSchema });

/** auth.signUp: a new password passes the whole policy. */
export const signUpSchema = z.object({ email: emailSchema, name: nameSchema, password: newPasswordSchema });

/** auth.changePassword */
export const changePasswordSchema = z.object({ currentPassword: passwordSchema, newPassword: newPasswordSchema });

/** users.setRoles's roles, typed as a list: "admin, user" or "admin user". */
export const rolesTextSchema = z.object({
  roles: z
    .string()
    .transform((text) => text.split(/[\s,]+/).filter((role) => role !== ""))
    .pipe(rolesSchema),
});
