// isIdentityError against a real API over HTTP: each shape of `error.data` the server sends reads
// through the guard without a cast, and the types say which fields each code carries.
import { useTestServer } from "@platform/api/testing";
import { describe, expect, expectTypeOf, it } from "vitest";

import { createClient, type IdentityError, type InputIssue, isIdentityError, TRPCClientError } from "./index.js";

// minute-long sign-in blocks, so that no busy machine outlasts one mid-test
const api = useTestServer({}, { signInPolicy: { baseDelayMs: 60_000 } });

/** What a call was refused with; fails the test if it was not refused. */
async function refusal(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call was not refused");
}

describe("isIdentityError over HTTP", () => {
  it("UNAUTHORIZED for want of a session: reason 'session'", async () => {
    const error = await refusal(createClient({ url: api.url }).auth.me.query());
    if (!isIdentityError(error)) throw error;
    expect(error.data.code).toBe("UNAUTHORIZED");
    if (error.data.code !== "UNAUTHORIZED") return;
    expect(error.data.reason).toBe("session");
    expect(error.message).toBe("Not signed in, or the session has ended");
  });

  it("UNAUTHORIZED for wrong credentials: no reason (no refresh will cure it)", async () => {
    const user = await api.h.createUser();
    const error = await refusal(
      createClient({ url: api.url }).auth.signIn.mutate({ email: user.email, password: "not the password" }),
    );
    if (!isIdentityError(error) || error.data.code !== "UNAUTHORIZED") throw error;
    expect(error.data.reason).toBeUndefined();
  });

  it("TOO_MANY_REQUESTS: retryAfterSeconds, whole seconds", async () => {
    const { email } = await api.h.createUser();
    const client = createClient({ url: api.url });
    for (let attempt = 0; attempt < 20; attempt++) {
      const error = await refusal(client.auth.signIn.mutate({ email, password: "not the password" }));
      if (!isIdentityError(error)) throw error;
      if (error.data.code !== "TOO_MANY_REQUESTS") continue;
      expect(Number.isInteger(error.data.retryAfterSeconds)).toBe(true);
      expect(error.data.retryAfterSeconds).toBeGreaterThan(0);
      expect(error.message).toBe(`Too many attempts; try again in ${error.data.retryAfterSeconds} seconds`);
      return;
    }
    throw new Error(`20 wrong passwords for ${email} were never refused with TOO_MANY_REQUESTS`);
  });

  it("BAD_REQUEST from input validation: issues per field", async () => {
    const error = await refusal(
      createClient({ url: api.url }).auth.signIn.mutate({ email: "not an email", password: "" }),
    );
    if (!isIdentityError(error) || error.data.code !== "BAD_REQUEST") throw error;
    const fields = (error.data.issues ?? []).map((issue) => issue.path.join("."));
    expect(fields).toContain("email");
    expect(error.data.issues?.find((issue) => issue.path[0] === "email")?.message).toEqual(expect.any(String));
  });

  it("is false for what the server did not answer: other errors, and transport failures", () => {
    expect(isIdentityError(new Error("boom"))).toBe(false);
    expect(isIdentityError(undefined)).toBe(false);
    expect(isIdentityError(new TRPCClientError("fetch failed", { cause: new TypeError("fetch failed") }))).toBe(false);
  });
});

describe("the types of IdentityError", () => {
  it("narrow data by code (and by reason on UNAUTHORIZED)", () => {
    expectTypeOf<IdentityError["data"]["code"]>().toEqualTypeOf<
      | "PARSE_ERROR"
      | "BAD_REQUEST"
      | "INTERNAL_SERVER_ERROR"
      | "NOT_IMPLEMENTED"
      | "BAD_GATEWAY"
      | "SERVICE_UNAVAILABLE"
      | "GATEWAY_TIMEOUT"
      | "UNAUTHORIZED"
      | "PAYMENT_REQUIRED"
      | "FORBIDDEN"
      | "NOT_FOUND"
      | "METHOD_NOT_SUPPORTED"
      | "TIMEOUT"
      | "CONFLICT"
      | "PRECONDITION_FAILED"
      | "PAYLOAD_TOO_LARGE"
      | "UNSUPPORTED_MEDIA_TYPE"
      | "UNPROCESSABLE_CONTENT"
      | "PRECONDITION_REQUIRED"
      | "TOO_MANY_REQUESTS"
      | "CLIENT_CLOSED_REQUEST"
    >();
    type DataOf<Code> = Extract<IdentityError["data"], { code: Code }>;
    // required where the code guarantees it, absent from the codes that never carry it
    expectTypeOf<DataOf<"TOO_MANY_REQUESTS">["retryAfterSeconds"]>().toEqualTypeOf<number>();
    expectTypeOf<DataOf<"UNAUTHORIZED">["reason"]>().toEqualTypeOf<"session" | undefined>();
    expectTypeOf<Extract<DataOf<"UNAUTHORIZED">, { reason: "session" }>["reason"]>().toEqualTypeOf<"session">();
    expectTypeOf<DataOf<"BAD_REQUEST">["issues"]>().toEqualTypeOf<InputIssue[] | undefined>();
    expectTypeOf<Extract<keyof DataOf<"FORBIDDEN">, "reason" | "retryAfterSeconds" | "issues">>().toBeNever();
    // every error still has tRPC's common fields
    expectTypeOf<IdentityError["data"]["httpStatus"]>().toEqualTypeOf<number>();
    expectTypeOf<IdentityError["message"]>().toEqualTypeOf<string>();
  });
});
