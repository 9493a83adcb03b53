import { calculateJwkThumbprint, type JWTPayload, SignJWT } from "jose";
import { describe, expect, it } from "vitest";

import {
  createTestClock,
  createTestEd25519Key,
  forgeAccessToken,
  type ForgedAccessToken,
  type TestEd25519Key,
} from "./testing.js";
import { accessTokenClockToleranceSeconds } from "./token-verifier.js";
import { createTokenService } from "./tokens.js";

const secret = "a-test-secret-that-is-long-enough-0123456789";
const options = { secret, issuer: "test-issuer", audience: "test-audience", accessTokenTtlSeconds: 900 };
const claims = { userId: "user_1", sessionId: "session_1", roles: ["user"] };

/** A token service on a clock of the test's own, frozen until the test moves it. */
function setup() {
  const clock = createTestClock(new Date("2026-01-01T00:00:00Z"));
  return { clock, tokens: createTokenService({ ...options, now: clock.now }) };
}

/** A token like ours, issued now, with some part changed. */
const forge = (changes: Partial<ForgedAccessToken> = {}) =>
  forgeAccessToken({ ...options, ...claims, issuedAt: new Date(), ...changes });

/** The decoded header and payload of a JWT. */
function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = "", payload = ""] = token.split(".");
  const part = (text: string) => JSON.parse(Buffer.from(text, "base64url").toString()) as Record<string, unknown>;
  return { header: part(header), payload: part(payload) };
}

describe("access tokens", () => {
  it("round-trips the user, the session, the roles and the expiry", async () => {
    const { tokens } = setup();
    const verified = await tokens.verify(await tokens.sign(claims));
    expect(verified).toEqual({
      userId: "user_1",
      sessionId: "session_1",
      roles: ["user"],
      expiresAt: new Date("2026-01-01T00:15:00Z"),
    });
  });

  it("carries iss, aud, iat and an exp of the configured lifetime in an HS256 header", async () => {
    const { tokens } = setup();
    const { header, payload } = decode(await tokens.sign(claims));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ iss: "test-issuer", aud: "test-audience", sub: "user_1", sid: "session_1" });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
  });

  it("rejects an expired token (injected clock)", async () => {
    const { clock, tokens } = setup();
    const token = await tokens.sign(claims);
    clock.advance(14 * 60_000 + 59_000); // 00:14:59
    expect(await tokens.verify(token)).not.toBeNull();
    clock.advance(2_000); // 00:15:01
    expect(await tokens.verify(token)).toBeNull();
  });

  it("refuses a token it verified before from the very second it expires, as jose does", async () => {
    // verified tokens are remembered: the expiry must still be checked on every call
    const { clock, tokens } = setup();
    const token = await tokens.sign(claims);
    clock.advance(15 * 60_000 - 1); // 00:14:59.999
    expect(await tokens.verify(token)).not.toBeNull();
    clock.advance(1); // 00:15:00.000: exp <= now
    expect(await tokens.verify(token)).toBeNull();
    clock.reset();
    expect(await tokens.verify(token)).not.toBeNull(); // refused for its expiry only, not forgotten as bad
  });

  it("remembering a token accepts nothing but that exact token", async () => {
    const { tokens } = setup();
    const token = await tokens.sign(claims);
    expect(await tokens.verify(token)).not.toBeNull();
    const other = createTokenService({ ...options, secret: `${secret}-other`, now: setup().clock.now });
    const [header = "", payload = "", signature = ""] = token.split(".");
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1) ?? ""}`;
    expect(await tokens.verify(`${header}.${payload}.${flipped}`)).toBeNull();
    expect(await tokens.verify(`${header}.${payload}.`)).toBeNull();
    expect(await other.verify(token)).toBeNull(); // another key: its own cache knows nothing of ours
  });

  it("accepts a token forged with every part right (so the refusals below are each for one part)", async () => {
    expect(await createTokenService(options).verify(await forge())).toMatchObject(claims);
  });

  it.each([
    ["a wrong signature", () => forge({ secret: "another-secret-that-is-long-enough-98765" })],
    ["a wrong issuer", () => forge({ issuer: "someone-else" })],
    ["a wrong audience", () => forge({ audience: "another-app" })],
    ["HS512 with the right secret", () => forge({ alg: "HS512" })],
    ["HS384 with the right secret", () => forge({ alg: "HS384" })],
    ["alg: none", () => forge({ alg: "none" })],
    ["a token without exp", () => forge({ expiresAt: null })],
    ["a token without sid", () => forge({ sessionId: null })],
    ["garbage", () => Promise.resolve("not.a.jwt")],
    ["an empty string", () => Promise.resolve("")],
  ])("rejects %s", async (_, makeToken) => {
    expect(await createTokenService(options).verify(await makeToken())).toBeNull();
  });

  it("reads a token without roles as having none, and drops roles that are not strings", async () => {
    const tokens = createTokenService(options);
    expect(await tokens.verify(await forge({ roles: undefined }))).toMatchObject({ roles: [] });
    const mixed = ["user", 1, null, "admin"] as unknown as string[];
    expect(await tokens.verify(await forge({ roles: mixed }))).toMatchObject({ roles: ["user", "admin"] });
  });

  it.each([
    ["sub", { sub: 42, sid: "session_1" }],
    ["sid", { sub: "user_1", sid: 42 }],
  ])("rejects a correctly signed token whose %s is not a string", async (_, claimsOfOtherTypes) => {
    const token = await new SignJWT(claimsOfOtherTypes as unknown as JWTPayload)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt()
      .setExpirationTime("15m")
      .sign(new TextEncoder().encode(secret));
    expect(await createTokenService(options).verify(token)).toBeNull();
  });

  describe("iat in the future (a token minted ahead of time, or by a clock far off)", () => {
    const years = (n: number) => n * 365 * 86_400_000;
    const issuedIn = async (ms: number) => {
      const { clock, tokens } = setup();
      const issuedAt = new Date(clock.now().getTime() + ms);
      return tokens.verify(await forge({ issuedAt }));
    };

    it(`is accepted up to the clock tolerance (${accessTokenClockToleranceSeconds} s) ahead`, async () => {
      expect(await issuedIn(accessTokenClockToleranceSeconds * 1000)).toMatchObject(claims);
    });

    it.each([
      ["one second beyond the tolerance", (accessTokenClockToleranceSeconds + 1) * 1000],
      ["an hour ahead", 3_600_000],
      ["ten years ahead", years(10)],
    ])("is refused %s", async (_, ms) => {
      expect(await issuedIn(ms)).toBeNull();
    });
  });

  it("rejects a token whose payload was edited after signing", async () => {
    const { tokens } = setup();
    const [header, , signature] = (await tokens.sign(claims)).split(".");
    const payload = Buffer.from(
      JSON.stringify({
        sub: "admin",
        sid: "session_1",
        roles: ["admin"],
        iss: options.issuer,
        aud: options.audience,
        exp: 9_999_999_999,
      }),
    ).toString("base64url");
    expect(await tokens.verify(`${header ?? ""}.${payload}.${signature ?? ""}`)).toBeNull();
  });
});

describe("EdDSA access tokens (an Ed25519 key signs, the published public keys verify)", () => {
  const current = createTestEd25519Key();
  const previous = createTestEd25519Key();
  const stranger = createTestEd25519Key();
  const { secret: _, ...common } = options;
  /** The identity's token service signing with `current`, verifying with `additional` too. */
  const eddsa = (additional = [previous.publicKey], now?: () => Date) =>
    createTokenService({
      ...common,
      ed25519: { privateKey: current.privateKey, additionalPublicKeys: additional },
      now,
    });
  const kidOf = (key: TestEd25519Key) => calculateJwkThumbprint(key.publicKey);
  /** A token like the identity's, signed by `key` and naming `kid` (default: the key's own). */
  const forgeSigned = async (key: TestEd25519Key, changes: Partial<ForgedAccessToken> = {}) =>
    forge({ alg: "EdDSA", key: key.privateKey, header: { kid: await kidOf(key) }, ...changes });
  /** The bytes of the public key's `x`: what an HS256 forger might try as the secret. */
  const rawPublicKey = Buffer.from(String(current.publicKey.export({ format: "jwk" }).x), "base64url");

  it("round-trips the user, the session, the roles and the expiry", async () => {
    const clock = createTestClock(new Date("2026-01-01T00:00:00Z"));
    const tokens = eddsa([], clock.now);
    expect(await tokens.verify(await tokens.sign(claims))).toEqual({
      userId: "user_1",
      sessionId: "session_1",
      roles: ["user"],
      expiresAt: new Date("2026-01-01T00:15:00Z"),
    });
  });

  it("names its key in every header: kid is the RFC 7638 thumbprint of the signing key", async () => {
    const { header, payload } = decode(await eddsa().sign(claims));
    expect(header).toEqual({ alg: "EdDSA", typ: "JWT", kid: await kidOf(current) });
    expect(payload).toMatchObject({ iss: "test-issuer", aud: "test-audience", sub: "user_1", sid: "session_1" });
  });

  it("publishes the signing key's public part and the additional keys, nothing private", async () => {
    const published = await eddsa().publishedKeys();
    expect(published.keys.map(({ kid }) => kid)).toEqual([await kidOf(current), await kidOf(previous)]);
    const { d } = current.privateKey.export({ format: "jwk" });
    expect(JSON.stringify(published)).not.toContain(d);
    expect(published.keys.every((jwk) => !("d" in jwk))).toBe(true);
  });

  it("an HS256 service publishes no key", async () => {
    expect(await createTokenService(options).publishedKeys()).toEqual({ keys: [] });
  });

  it("accepts a token forged with every part right (so the refusals below are each for one part)", async () => {
    expect(await eddsa().verify(await forgeSigned(current))).toMatchObject(claims);
  });

  it.each([
    ["HS256 keyed with the public key's PEM (algorithm confusion)", () => forge({ secret: current.publicPem })],
    ["HS256 keyed with the public key's raw bytes", () => forge({ key: rawPublicKey })],
    [
      "HS256 keyed with the PEM and naming the key",
      async () => forge({ secret: current.publicPem, header: { kid: await kidOf(current) } }),
    ],
    ["alg: none", () => forge({ alg: "none" })],
    ["an unknown key with its own kid", () => forgeSigned(stranger)],
    [
      "an unknown key naming the signing key's kid",
      async () => forgeSigned(stranger, { header: { kid: await kidOf(current) } }),
    ],
    [
      "the previous key naming the current key's kid",
      async () => forgeSigned(previous, { header: { kid: await kidOf(current) } }),
    ],
    ["the right key, no kid", () => forgeSigned(current, { header: {} })],
    [
      "an unknown key that carries itself in a jwk header",
      async () =>
        forgeSigned(stranger, {
          header: { kid: await kidOf(stranger), jwk: stranger.publicKey.export({ format: "jwk" }) },
        }),
    ],
    ["the right key, a wrong issuer", () => forgeSigned(current, { issuer: "someone-else" })],
    ["the right key, a wrong audience", () => forgeSigned(current, { audience: "another-app" })],
    ["the right key, no sid", () => forgeSigned(current, { sessionId: null })],
    ["the right key, issued an hour ahead", () => forgeSigned(current, { issuedAt: new Date(Date.now() + 3_600_000) })],
  ])("rejects %s", async (_, makeToken) => {
    expect(await eddsa().verify(await makeToken())).toBeNull();
  });

  it("rotation: the previous key's tokens verify while it is listed, and not once it is removed", async () => {
    const beforeRotation = createTokenService({
      ...common,
      ed25519: { privateKey: previous.privateKey, additionalPublicKeys: [] },
    });
    const token = await beforeRotation.sign(claims);
    expect(await eddsa([previous.publicKey]).verify(token)).toMatchObject(claims);
    expect(await eddsa([]).verify(token)).toBeNull();
  });

  it("refuses a token it verified before from the very second it expires", async () => {
    const clock = createTestClock(new Date("2026-01-01T00:00:00Z"));
    const tokens = eddsa([], clock.now);
    const token = await tokens.sign(claims);
    expect(await tokens.verify(token)).not.toBeNull();
    clock.advance(15 * 60_000); // exp <= now
    expect(await tokens.verify(token)).toBeNull();
  });
});
