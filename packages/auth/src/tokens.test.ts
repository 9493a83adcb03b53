import { type JWTPayload, SignJWT } from "jose";
import { describe, expect, it } from "vitest";

import { createTestClock, forgeAccessToken, type ForgedAccessToken } from "./testing.js";
import { accessTokenClockToleranceSeconds, createTokenService } from "./tokens.js";

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
