import { useTRPC } from "@platform/react";
import { useMutation } from "@tanstack/react-query";
import { type SubmitEvent, useRef, useState } from "react";

import { PageHeading } from "../components/page-heading.js";
import { Field } from "../forms/field.js";
import { FormAlert } from "../forms/form-alert.js";
import { errorsFromApi, type FormErrors, noErrors, validate } from "../forms/form-errors.js";
import { formValues } from "../forms/form-values.js";
import { signInSchema } from "../forms/schemas.js";
import { useFocusFirstInvalid } from "../forms/use-focus-first-invalid.js";
import { routes } from "../routing/routes.js";

const fields = ["email", "password"] as const;
type SignInField = (typeof fields)[number];

/** Signing in stores the session; the app then shows the account (useSession follows the store). */
export function SignInPage({ notice }: { notice?: string | undefined }) {
  const trpc = useTRPC();
  const signIn = useMutation(trpc.auth.signIn.mutationOptions());
  const [errors, setErrors] = useState<FormErrors<SignInField>>(noErrors);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = validate(signInSchema, formValues(event.currentTarget, fields));
    if (checked.errors) {
      setErrors(checked.errors);
      return;
    }
    setErrors(noErrors);
    signIn.mutate(checked.data, {
      onError: (error) => {
        setErrors(errorsFromApi(error, fields));
      },
    });
  }

  return (
    <section className="card auth-card" aria-labelledby="sign-in-title">
      <PageHeading id="sign-in-title">Sign in</PageHeading>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form ref={form} onSubmit={submit} noValidate aria-busy={signIn.isPending}>
        <FormAlert message={errors.form} />
        <Field
          id="sign-in-email"
          name="email"
          label="Email"
          type="email"
          autoComplete="username"
          inputMode="email"
          required
          error={errors.fields.email}
        />
        <Field
          id="sign-in-password"
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.fields.password}
        />
        <button type="submit" className="button primary wide" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="aside">
        New here? <a href={routes.signUp}>Create an account</a>
      </p>
    </section>
  );
}
