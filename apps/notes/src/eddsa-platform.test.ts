// Notes on an EdDSA platform: the identity signs access tokens with an Ed25519 key and publishes
// the public keys (GET /.well-known/jwks.json); notes verifies against them (AUTH_JWKS_URL) and
// holds no secret. The identity's JWT_SECRET still keys its refresh tokens, so a token HMAC-signed
// with it must be refused here; and a JWKS that cannot be had is an outage (503), never access.
import { testJwtSecret, useTestServer } from "@platform/api/testing";
import { createTestEd25519Key, forgeAccessToken } from "@platform/auth/testing";
import { describe, expect, it } from "vitest";

import { createCaller } from "./caller.js";
import { createNotesAuth } from "./open-deps.js";
import { testNotesConfig, useNotesHarness } from "./test-support/index.js";

const key = createTestEd25519Key();
const identity = useTestServer({ JWT_ALGORITHM: "EdDSA", JWT_PRIVATE_KEY: key.privatePem });
const { h } = identity;
const jwksUrl = () => `${new URL(identity.url).origin}/.well-known/jwks.json`;
const n = useNotesHarness(identity, () => ({ AUTH_JWKS_URL: jwksUrl() }));

describe("notes on an EdDSA platform", () => {
  it("checks tokens with the identity's published keys, holding no secret", async () => {
    expect(n.deps.config.tokens).toEqual({
      kind: "jwks",
      jwksUrl: jwksUrl(),
      issuer: "my-platform",
      audience: "my-platform",
    });
    const alice = await h.createSignedInUser();
    const note = await n.caller(alice.token).notes.create({ text: "signed with Ed25519" });
    expect(await n.caller(alice.token).notes.list()).toEqual([note]);
  });

  it("refuses a token HMAC-signed with the identity's JWT_SECRET (which keys refresh tokens, not access)", async () => {
    const alice = await h.createSignedInUser();
    const hmacToken = await forgeAccessToken({
      secret: testJwtSecret,
      issuer: "my-platform",
      audience: "my-platform",
      userId: alice.id,
      sessionId: h.sessionIdOf(alice.refreshToken),
      issuedAt: new Date(),
    });
    await expect(n.caller(hmacToken).notes.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("answers 503 while the JWKS cannot be had: never access on an unchecked signature", async () => {
    const alice = await h.createSignedInUser();
    const config = testNotesConfig({ IDENTITY_URL: identity.url, AUTH_JWKS_URL: "http://127.0.0.1:1/jwks.json" });
    const deps = { ...n.deps, ...createNotesAuth(config, undefined, { now: h.clock.now }), config };
    await expect(createCaller(deps, { authorization: `Bearer ${alice.token}` }).notes.list()).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
  });
});
