import { useTRPC } from "@platform/react";
import { useMutation } from "@tanstack/react-query";
import { type SubmitEvent, useRef, useState } from "react";

import { PageHeading } from "../components/page-heading.js";
import { Field } from "../forms/field.js";
import { FormAlert } from "../forms/form-alert.js";
import { errorsFromApi, type FormErrors, noErrors, validate } from "../forms/form-errors.js";
import { formValues } from "../forms/form-values.js";
import { signUpSchema } from "../forms/schemas.js";
import { useFocusFirstInvalid } from "../forms/use-focus-first-invalid.js";
import { routes } from "../routing/routes.js";

const fields = ["email", "name", "password"] as const;
type SignUpField = (typeof fields)[number];

/** A new account has the role `user` and is signed in at once. */
export function SignUpPage() {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [errors, setErrors] = useState<FormErrors<SignUpField>>(noErrors);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = validate(signUpSchema, formValues(event.currentTarget, fields));
    if (checked.errors) {
      setErrors(checked.errors);
      return;
    }
    setErrors(noErrors);
    // an email already taken is the email field's problem
    signUp.mutate(checked.data, {
      onError: (error) => {
        setErrors(errorsFromApi(error, fields, { CONFLICT: "email" }));
      },
    });
  }

  return (
    <section className="card auth-card" aria-labelledby="sign-up-title">
      <PageHeading id="sign-up-title">Create an account</PageHeading>
      <form ref={form} onSubmit={submit} noValidate aria-busy={signUp.isPending}>
        <FormAlert message={errors.form} />
        <Field
          id="sign-up-email"
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          inputMode="email"
          required
          error={errors.fields.email}
        />
        <Field id="sign-up-name" name="name" label="Name" autoComplete="name" required error={errors.fields.name} />
        <Field
          id="sign-up-password"
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters, and not one of the most common passwords."
          error={errors.fields.password}
        />
        <button type="submit" className="button primary wide" disabled={signUp.isPending}>
          {signUp.isPending ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p className="aside">
        Already have an account? <a href={routes.signIn}>Sign in instead</a>
      </p>
    </section>
  );
}
