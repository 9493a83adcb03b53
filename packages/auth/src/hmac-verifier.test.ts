// A specialist's verifier on an HS256 platform: it accepts what the identity's token service signs
// with the shared secret, refuses a token wrong in any pinned part (each refusal below is for one
// part), and can only verify. The rules themselves are token-verifier.ts's (tokens.test.ts covers
// them case by case, through this same verifier).
import { describe, expect, it } from "vitest";

import { createHmacTokenVerifier } from "./hmac-verifier.js";
import { createTestEd25519Key, forgeAccessToken, type ForgedAccessToken } from "./testing.js";
import { createTokenService } from "./tokens.js";

const secret = "the-identity's-jwt-secret-0123456789abcdef";
const pinned = { secret, issuer: "test-issuer", audience: "test-audience" };
const claims = { userId: "user_1", sessionId: "session_1", roles: ["user"] };
const forge = (changes: Partial<ForgedAccessToken> = {}) =>
  forgeAccessToken({ ...pinned, ...claims, issuedAt: new Date(), ...changes });

describe("createHmacTokenVerifier", () => {
  const verifier = createHmacTokenVerifier(pinned);

  it("accepts a token the identity signed with the shared secret", async () => {
    const identity = createTokenService({ ...pinned, accessTokenTtlSeconds: 900 });
    expect(await verifier.verify(await identity.sign(claims))).toMatchObject(claims);
    expect(await verifier.verify(await forge())).toMatchObject(claims);
  });

  it.each([
    ["another secret", () => forge({ secret: "another-secret-that-is-long-enough-98765" })],
    ["another issuer", () => forge({ issuer: "someone-else" })],
    ["another audience", () => forge({ audience: "another-app" })],
    ["HS512 with the right secret", () => forge({ alg: "HS512" })],
    ["alg: none", () => forge({ alg: "none" })],
    [
      "EdDSA (a key the platform does not use here)",
      () => forge({ alg: "EdDSA", key: createTestEd25519Key().privateKey }),
    ],
  ])("refuses a token with %s", async (_, makeToken) => {
    expect(await verifier.verify(await makeToken())).toBeNull();
  });

  it("can verify and nothing else: an app given it mints no token", () => {
    expect(Object.keys(verifier)).toEqual(["verify"]);
  });
});
