// sessionIdOf reads `sid` from a token's payload, and answers undefined (never a guess) otherwise.
import { describe, expect, it } from "vitest";

import { sessionIdOf } from "./session-identity.js";

const base64Url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const tokenWith = (payload: unknown) => `${base64Url({ alg: "HS256", typ: "JWT" })}.${base64Url(payload)}.signature`;

describe("sessionIdOf", () => {
  it("reads the session id of a JWT, whatever its other claims (non-ASCII included)", () => {
    expect(sessionIdOf(tokenWith({ sub: "u1", sid: "s-1", roles: ["user"], name: "Zoë ✓" }))).toBe("s-1");
  });

  it.each([
    ["not a JWT", "opaque-token"],
    ["a payload that is not base64url JSON", "aGVhZA.%%%.sig"],
    ["no sid", tokenWith({ sub: "u1" })],
    ["a sid that is not a string", tokenWith({ sid: 42 })],
    ["a payload that is not an object", tokenWith("s-1")],
  ])("answers undefined for %s", (_, token) => {
    expect(sessionIdOf(token)).toBeUndefined();
  });
});
