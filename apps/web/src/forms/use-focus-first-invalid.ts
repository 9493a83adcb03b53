// After a refused submit, focus moves to where the fix is: the first field in error (whose error
// is then read out: it describes the field), or the message above the form when no field is to
// blame. Without this, a keyboard user would be left on the submit button, disabled while the
// form was sent.
import { type RefObject, useEffect } from "react";

import type { FormErrors } from "./form-errors.js";

export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, errors: FormErrors<string>): void {
  useEffect(() => {
    const target =
      Object.keys(errors.fields).length > 0
        ? form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
        : errors.form === undefined
          ? undefined
          : form.current?.querySelector<HTMLElement>(".form-alert");
    target?.focus();
  }, [form, errors]);
}
