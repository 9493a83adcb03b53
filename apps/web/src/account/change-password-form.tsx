// auth.changePassword: the current password, then the new one twice. The API ends every other
// session of the account when it succeeds; this one stays signed in.
import { useTRPC } from "@platform/react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type SubmitEvent, useRef, useState } from "react";

import { Field } from "../forms/field.js";
import { FormAlert, StatusMessage } from "../forms/form-alert.js";
import { errorsFromApi, type FormErrors, noErrors, validate } from "../forms/form-errors.js";
import { formValues } from "../forms/form-values.js";
import { changePasswordSchema } from "../forms/schemas.js";
import { useFocusFirstInvalid } from "../forms/use-focus-first-invalid.js";

const fields = ["currentPassword", "newPassword", "repeatedPassword"] as const;
type PasswordField = (typeof fields)[number];

export function ChangePasswordForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const change = useMutation(trpc.auth.changePassword.mutationOptions());
  const [errors, setErrors] = useState<FormErrors<PasswordField>>(noErrors);
  const [status, setStatus] = useState<string>();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = event.currentTarget;
    const { repeatedPassword, ...values } = formValues(target, fields);
    setStatus(undefined);
    const checked = validate(changePasswordSchema, values);
    if (checked.errors) {
      setErrors(checked.errors);
      return;
    }
    if (repeatedPassword !== values.newPassword) {
      setErrors({ fields: { repeatedPassword: "The two new passwords are not the same" } });
      return;
    }
    setErrors(noErrors);
    change.mutate(checked.data, {
      // a wrong current password is that field's problem (the API says "invalid credentials")
      onError: (error) => {
        setErrors(errorsFromApi(error, fields, { UNAUTHORIZED: "currentPassword" }));
      },
      onSuccess: ({ revokedSessions }) => {
        target.reset();
        const others = revokedSessions === 1 ? "1 other session was" : `${revokedSessions} other sessions were`;
        setStatus(`Your password was changed. ${others} signed out.`);
        void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.list.queryKey() });
      },
    });
  }

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      <p className="muted">Every other session of your account is signed out when you do.</p>
      <form ref={form} onSubmit={submit} noValidate aria-busy={change.isPending}>
        <FormAlert message={errors.form} />
        <StatusMessage message={status} />
        <Field
          id="current-password"
          name="currentPassword"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.fields.currentPassword}
        />
        <Field
          id="new-password"
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters, and not one of the most common passwords."
          error={errors.fields.newPassword}
        />
        <Field
          id="repeated-password"
          name="repeatedPassword"
          label="New password, again"
          type="password"
          autoComplete="new-password"
          required
          error={errors.fields.repeatedPassword}
        />
        <button type="submit" className="button primary" disabled={change.isPending}>
          {change.isPending ? "Changing password…" : "Change password"}
        </button>
      </form>
    </section>
  );
}
