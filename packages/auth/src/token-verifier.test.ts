// The algorithm pin of token-verifier.ts on its own. Through a JWKS, jose never offers an HMAC key,
// so a confused token fails there whatever the pin says; here the key lookup hands back whatever
// key it is asked for (as a careless lookup, or a key set holding an `oct` key, would), and only the
// pin stands between an HS256 token keyed with that material and acceptance.
import { describe, expect, it } from "vitest";

import { forgeAccessToken } from "./testing.js";
import { createTokenVerifier } from "./token-verifier.js";

const pinned = { issuer: "test-issuer", audience: "test-audience" };
const material = "bytes an attacker knows, e.g. a public key's x-0123456789";
const token = () =>
  forgeAccessToken({ ...pinned, secret: material, userId: "u1", sessionId: "s1", issuedAt: new Date() });

describe("createTokenVerifier: the algorithm is pinned before any key is used", () => {
  it("refuses an HS256 token on an EdDSA verifier, even when the key lookup would hand over HMAC bytes", async () => {
    const anyKey = () => Promise.resolve(new TextEncoder().encode(material));
    const verifier = createTokenVerifier({ ...pinned, algorithm: "EdDSA", key: anyKey });
    expect(await verifier.verify(await token())).toBeNull();
  });

  it("accepts the same token where HS256 is the pinned algorithm (so the refusal above is the pin's)", async () => {
    const verifier = createTokenVerifier({ ...pinned, algorithm: "HS256", key: new TextEncoder().encode(material) });
    expect(await verifier.verify(await token())).toMatchObject({ userId: "u1", sessionId: "s1" });
  });
});
