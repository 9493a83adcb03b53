// Form errors from the API's real answers (a real API over HTTP, the client the app uses): each
// problem lands where the form shows it, and a form's own check says what the API would.
import { useTestServer } from "@platform/api/testing";
import { createClient, createMemoryTokenStore } from "@platform/client";
import { describe, expect, it } from "vitest";

import { errorsFromApi, hasErrors, validate } from "./form-errors.js";
import { changePasswordSchema, rolesTextSchema, signInSchema, signUpSchema } from "./schemas.js";

const api = useTestServer();
const { h } = api;

/** The error a call fails with (and a test failure if it does not). */
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error("the call was expected to fail");
    },
    (error: unknown) => error,
  );

const signUpFields = ["email", "name", "password"] as const;

describe("errorsFromApi, on the API's answers", () => {
  it("puts each BAD_REQUEST issue next to its field, in the words of the form's own check", async () => {
    const values = { email: "not-an-email", name: " ", password: "short" };
    const error = await refusal(createClient({ url: api.url }).auth.signUp.mutate(values));

    const fromServer = errorsFromApi(error, signUpFields);
    expect(Object.keys(fromServer.fields).sort()).toEqual(["email", "name", "password"]);
    expect(fromServer.form).toBeUndefined();
    expect(fromServer.fields).toEqual(validate(signUpSchema, values).errors?.fields);
  });

  it("holds the password-change form to auth.changePassword's rules (the common-password list too)", async () => {
    const user = await h.createSignedInUser();
    const client = createClient({ url: api.url, tokenStore: createMemoryTokenStore(user) });
    const values = { currentPassword: "short", newPassword: "password123" };
    const error = await refusal(client.auth.changePassword.mutate(values));

    const fromServer = errorsFromApi(error, ["currentPassword", "newPassword"]);
    expect(fromServer.fields.newPassword).toMatch(/common/);
    expect(fromServer.fields).toEqual(validate(changePasswordSchema, values).errors?.fields);
  });

  it("shows a wrong password as the API's 'invalid credentials' above the sign-in form", async () => {
    const user = await h.createUser();
    const error = await refusal(
      createClient({ url: api.url }).auth.signIn.mutate({ email: user.email, password: "not the password" }),
    );
    expect(errorsFromApi(error, ["email", "password"])).toEqual({ fields: {}, form: "invalid credentials" });
  });

  it("puts a code's message on the field the form names for it: a taken email, a wrong current password", async () => {
    const user = await h.createSignedInUser();
    const taken = await refusal(
      createClient({ url: api.url }).auth.signUp.mutate({
        email: user.email,
        name: "Again",
        password: "a fine passphrase",
      }),
    );
    expect(errorsFromApi(taken, signUpFields, { CONFLICT: "email" })).toEqual({
      fields: { email: "An account with this email already exists" },
    });

    const client = createClient({ url: api.url, tokenStore: createMemoryTokenStore(user) });
    const wrong = await refusal(
      client.auth.changePassword.mutate({ currentPassword: "not the password", newPassword: "a fine passphrase" }),
    );
    expect(errorsFromApi(wrong, ["currentPassword"], { UNAUTHORIZED: "currentPassword" })).toEqual({
      fields: { currentPassword: "invalid credentials" },
    });
  });

  it("never blames a field for an ended session, even one the form gives UNAUTHORIZED to", async () => {
    const error = await refusal(
      createClient({ url: api.url }).auth.changePassword.mutate({
        currentPassword: "a fine passphrase",
        newPassword: "another fine passphrase",
      }),
    );
    const errors = errorsFromApi(error, ["currentPassword"], { UNAUTHORIZED: "currentPassword" });
    expect(errors.fields).toEqual({});
    expect(errors.form).toMatch(/session has ended/);
  });

  it("says in one line above the form when the API cannot be reached", async () => {
    const error = await refusal(
      createClient({ url: "http://127.0.0.1:1/trpc" }).auth.signIn.mutate({
        email: "someone@example.com",
        password: "a fine passphrase",
      }),
    );
    expect(errorsFromApi(error, ["email"]).form).toMatch(/^Cannot reach the API at http:\/\/127\.0\.0\.1:1\/trpc/);
    expect(errorsFromApi("not even an Error", ["email"]).form).toBe("Something went wrong; try again.");
  });
});

describe("validate, with the forms' schemas", () => {
  it("passes the values on as the API will read them (a trimmed, lower-cased email)", () => {
    expect(validate(signInSchema, { email: "  Ada@Example.COM ", password: "a fine passphrase" })).toEqual({
      data: { email: "ada@example.com", password: "a fine passphrase" },
    });
  });

  it("reads roles typed as a list of words, and refuses what the API refuses", () => {
    expect(validate(rolesTextSchema, { roles: "admin, user  support-agent" }).data).toEqual({
      roles: ["admin", "user", "support-agent"],
    });
    expect(validate(rolesTextSchema, { roles: " , " }).errors?.fields.roles).toBe("A user needs at least one role");
    expect(validate(rolesTextSchema, { roles: "Admin" }).errors?.fields.roles).toMatch(/lower-case words/);
  });

  it("has errors only when it found some", () => {
    expect(hasErrors({ fields: {} })).toBe(false);
    expect(hasErrors({ fields: { email: "Email must be a valid email address" } })).toBe(true);
    expect(hasErrors({ fields: {}, form: "invalid credentials" })).toBe(true);
  });
});
