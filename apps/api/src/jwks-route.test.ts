// The identity's JWKS over real HTTP, and what the platform's other apps do with it: an EdDSA
// identity publishes its public keys and a specialist's verifier, fetching them from here, accepts
// the identity's tokens; an HS256 identity publishes none.
import { createJwksTokenVerifier, createTokenService } from "@platform/auth";
import { codeOf, createTestEd25519Key, forgeAccessToken } from "@platform/auth/testing";
import { calculateJwkThumbprint, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";

import { jwksMaxAgeSeconds, jwksPath } from "./jwks-route.js";
import { buildServer } from "./server.js";
import { testJwtSecret, useTestServer } from "./test-support/index.js";

const current = createTestEd25519Key();
const previous = createTestEd25519Key();
const server = useTestServer({
  JWT_ALGORITHM: "EdDSA",
  JWT_PRIVATE_KEY: current.privatePem,
  JWT_ADDITIONAL_PUBLIC_KEYS: previous.publicPem,
});
const jwksUrl = () => server.url.replace(/\/trpc$/, jwksPath);
const platform = { issuer: "my-platform", audience: "my-platform" };

describe("an EdDSA identity", () => {
  it(`publishes the signing key and the additional ones at ${jwksPath}: public parts only, cacheable`, async () => {
    const response = await fetch(jwksUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/jwk-set\+json/);
    expect(response.headers.get("cache-control")).toBe(`public, max-age=${jwksMaxAgeSeconds}`);
    const body = await response.text();
    const { keys } = JSON.parse(body) as { keys: Record<string, unknown>[] };
    const publicPart = async (key: typeof current) => ({
      kty: "OKP",
      crv: "Ed25519",
      x: key.publicKey.export({ format: "jwk" }).x,
      kid: await calculateJwkThumbprint(key.publicKey),
      alg: "EdDSA",
      use: "sig",
    });
    expect(keys).toEqual([await publicPart(current), await publicPart(previous)]);
    expect(body).not.toContain(current.privateKey.export({ format: "jwk" }).d);
  });

  it("signs every access token with its key, naming it by its thumbprint", async () => {
    const { token } = await server.h.createSignedInUser();
    expect(decodeProtectedHeader(token)).toEqual({
      alg: "EdDSA",
      typ: "JWT",
      kid: await calculateJwkThumbprint(current.publicKey),
    });
    const me = await fetch(`${server.url}/auth.me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
  });

  it("a specialist's verifier, with the JWKS fetched from here, accepts its tokens and nothing signed with JWT_SECRET", async () => {
    const user = await server.h.createSignedInUser();
    const verifier = createJwksTokenVerifier({ ...platform, jwksUrl: jwksUrl() });
    expect(await verifier.verify(user.token)).toMatchObject({ userId: user.id });
    const hs256 = await forgeAccessToken({
      ...platform,
      secret: testJwtSecret,
      userId: user.id,
      sessionId: server.h.sessionIdOf(user.refreshToken),
      issuedAt: new Date(),
    });
    expect(await verifier.verify(hs256)).toBeNull();
  });

  it("refuses an HS256 token keyed with JWT_SECRET, and accepts one of the previous key while it is listed", async () => {
    const user = await server.h.createSignedInUser();
    const session = { userId: user.id, sessionId: server.h.sessionIdOf(user.refreshToken), roles: ["user"] };
    const hs256 = await forgeAccessToken({ ...platform, ...session, secret: testJwtSecret, issuedAt: new Date() });
    expect(await codeOf(server.h.caller(hs256).auth.me())).toBe("UNAUTHORIZED");
    const beforeRotation = createTokenService({
      ...platform,
      accessTokenTtlSeconds: 900,
      ed25519: { privateKey: previous.privateKey, additionalPublicKeys: [] },
    });
    expect(await codeOf(server.h.caller(await beforeRotation.sign(session)).auth.me())).toBe("OK");
  });
});

describe("an HS256 identity", () => {
  it(`answers ${jwksPath} with no keys (200, not 404: no public key verifies its tokens)`, async () => {
    const hs256 = await buildServer(
      server.h.withConfig({ JWT_ALGORITHM: "", JWT_PRIVATE_KEY: "", JWT_ADDITIONAL_PUBLIC_KEYS: "" }),
    );
    try {
      const response = await hs256.inject({ method: "GET", url: jwksPath });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ keys: [] });
    } finally {
      await hs256.close();
    }
  });
});
