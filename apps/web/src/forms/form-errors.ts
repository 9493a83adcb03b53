// What went wrong with a form, said where it belongs: a problem with one field next to that field,
// anything else above the form. Problems come from the form's own check (the API's schemas, see
// schemas.ts) or from the API's answer: its BAD_REQUEST carries `issues`, one per field, in the
// same words; other codes (CONFLICT, UNAUTHORIZED...) name a field when the form says which.
import { isIdentityError } from "@platform/client";
import type { z } from "zod";

export interface FormErrors<Field extends string> {
  /** One message per field (the first problem found with it). */
  fields: Partial<Record<Field, string>>;
  /** A problem that is not one field's. */
  form?: string;
}

/** Where an API error code's message goes when it is about one field (e.g. CONFLICT → email). */
export type FieldByCode<Field extends string> = Partial<Record<string, Field>>;

export const noErrors: FormErrors<never> = { fields: {} };

export function hasErrors(errors: FormErrors<string>): boolean {
  return errors.form !== undefined || Object.keys(errors.fields).length > 0;
}

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/** Issues by field (the first per field); issues about no field of this form go above it. */
export function errorsFromIssues<Field extends string>(
  issues: readonly Issue[],
  fields: readonly Field[],
): FormErrors<Field> {
  const errors: FormErrors<Field> = { fields: {} };
  for (const { path, message } of issues) {
    const field = fields.find((name) => name === path[0]);
    if (field === undefined) errors.form ??= message;
    else errors.fields[field] ??= message;
  }
  return errors;
}

/** The values as the schema reads them, or the problems it finds, by field. */
export function validate<Field extends string, Output>(
  schema: z.ZodType<Output>,
  values: Record<Field, unknown>,
): { data: Output; errors?: undefined } | { data?: undefined; errors: FormErrors<Field> } {
  const result = schema.safeParse(values);
  if (result.success) return { data: result.data };
  return { errors: errorsFromIssues(result.error.issues, Object.keys(values) as Field[]) };
}

/** The API's answer (or a failure to reach it) as a form's errors. */
export function errorsFromApi<Field extends string>(
  error: unknown,
  fields: readonly Field[],
  fieldByCode: FieldByCode<Field> = {},
): FormErrors<Field> {
  if (!isIdentityError(error)) {
    // not an answer: the client's one-line account of it ("Cannot reach the API at ...")
    return { fields: {}, form: error instanceof Error ? error.message : "Something went wrong; try again." };
  }
  const { data, message } = error;
  if (data.code === "BAD_REQUEST" && data.issues?.length) return errorsFromIssues(data.issues, fields);
  // the session ended (the app returns to sign-in): not the fault of any field
  if (data.code === "UNAUTHORIZED" && data.reason === "session") return { fields: {}, form: message };
  const field = fieldByCode[data.code];
  return field === undefined
    ? { fields: {}, form: message }
    : { fields: { [field]: message } as Record<Field, string> };
}
