// A user's roles, edited in place: a list of words ("admin, user"), checked with the API's rule,
// saved with users.setRoles. The last admin cannot lose the role (the API's CONFLICT, shown here).
import type { RouterOutputs } from "@platform/client";
import { useTRPC } from "@platform/react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type SubmitEvent, useRef, useState } from "react";

import { Field } from "../forms/field.js";
import { errorsFromApi, type FormErrors, noErrors, validate } from "../forms/form-errors.js";
import { formValues } from "../forms/form-values.js";
import { rolesTextSchema } from "../forms/schemas.js";
import { useFocusFirstInvalid } from "../forms/use-focus-first-invalid.js";

type ListedUser = RouterOutputs["users"]["list"]["items"][number];

export function RoleEditor({ user, onDone }: { user: ListedUser; onDone: (message?: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FormErrors<"roles">>(noErrors);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);
  const setRoles = useMutation(
    trpc.users.setRoles.mutationOptions({
      onSuccess: async (updated) => {
        // the list, and the caller's own roles if they changed their own
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
        ]);
        onDone(`Roles of ${updated.email}: ${updated.roles.join(", ")}.`);
      },
      onError: (error) => {
        setErrors(errorsFromApi(error, ["roles"], { CONFLICT: "roles", NOT_FOUND: "roles" }));
      },
    }),
  );

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = validate(rolesTextSchema, formValues(event.currentTarget, ["roles"]));
    if (checked.errors) {
      setErrors(checked.errors);
      return;
    }
    setErrors(noErrors);
    setRoles.mutate({ id: user.id, roles: checked.data.roles });
  }

  return (
    <form ref={form} className="role-editor" onSubmit={submit} noValidate aria-busy={setRoles.isPending}>
      <Field
        id={`roles-${user.id}`}
        name="roles"
        label={`Roles of ${user.email}`}
        isLabelHidden
        defaultValue={user.roles.join(", ")}
        hint="Lower-case words, separated by commas."
        error={errors.fields.roles ?? errors.form}
        autoFocus
        onKeyDown={(event) => {
          if (event.key === "Escape") onDone();
        }}
      />
      <div className="inline-actions">
        <button type="submit" className="button primary small" disabled={setRoles.isPending}>
          {setRoles.isPending ? "Saving…" : "Save roles"}
        </button>
        <button
          type="button"
          className="button secondary small"
          disabled={setRoles.isPending}
          onClick={() => {
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
