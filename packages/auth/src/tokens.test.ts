import { SignJWT, UnsecuredJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";

import { createTokenService } from "./tokens.js";

const secret = "a-test-secret-that-is-long-enough-0123456789";
const options = { secret, issuer: "test-issuer", audience: "test-audience", accessTokenTtlSeconds: 900 };
const tokens = createTokenService(options);
const key = new TextEncoder().encode(secret);
const claims = { userId: "user_1", sessionId: "session_1", roles: ["user"] };

/** A token like ours with some part changed. */
function forge({
  alg = "HS256",
  issuer = options.issuer,
  audience = options.audience,
  signingKey = key,
  expiresIn = 900,
} = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: claims.sessionId, roles: claims.roles })
    .setProtectedHeader({ alg })
    .setSubject(claims.userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(signingKey);
}

describe("access tokens", () => {
  afterEach(() => vi.useRealTimers());

  it("round-trips the user, the session and the roles", async () => {
    const verified = await tokens.verify(await tokens.sign(claims));
    expect(verified).toMatchObject({ userId: "user_1", sessionId: "session_1", roles: ["user"] });
  });

  it("carries iss, aud, iat and an exp of the configured lifetime in an HS256 header", async () => {
    const [header, payload] = (await tokens.sign(claims))
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).toMatchObject({ alg: "HS256" });
    expect(payload).toMatchObject({ iss: "test-issuer", aud: "test-audience", sub: "user_1", sid: "session_1" });
    expect(payload.exp - payload.iat).toBe(900);
  });

  it("rejects an expired token (fake clock)", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    const token = await tokens.sign(claims);
    vi.setSystemTime(new Date("2026-01-01T00:14:59Z"));
    expect(await tokens.verify(token)).not.toBeNull();
    vi.setSystemTime(new Date("2026-01-01T00:15:01Z"));
    expect(await tokens.verify(token)).toBeNull();
  });

  it.each([
    [
      "a wrong signature",
      () => forge({ signingKey: new TextEncoder().encode("another-secret-that-is-long-enough-98765") }),
    ],
    ["a wrong issuer", () => forge({ issuer: "someone-else" })],
    ["a wrong audience", () => forge({ audience: "another-app" })],
    ["HS512 with the right secret", () => forge({ alg: "HS512" })],
    ["HS384 with the right secret", () => forge({ alg: "HS384" })],
    [
      "alg: none",
      async () =>
        new UnsecuredJWT({ sid: "session_1" })
          .setSubject("user_1")
          .setIssuer(options.issuer)
          .setAudience(options.audience)
          .setIssuedAt()
          .setExpirationTime("15m")
          .encode(),
    ],
    [
      "a token without exp",
      async () =>
        new SignJWT({ sid: "s" })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject("u")
          .setIssuer(options.issuer)
          .setAudience(options.audience)
          .setIssuedAt()
          .sign(key),
    ],
    [
      "a token without sid",
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: "HS256" })
          .setSubject("u")
          .setIssuer(options.issuer)
          .setAudience(options.audience)
          .setIssuedAt()
          .setExpirationTime("15m")
          .sign(key),
    ],
    ["garbage", async () => "not.a.jwt"],
    ["an empty string", async () => ""],
  ])("rejects %s", async (_, makeToken) => {
    expect(await tokens.verify(await makeToken())).toBeNull();
  });

  it("rejects a token whose payload was edited after signing", async () => {
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
    expect(await tokens.verify(`${header}.${payload}.${signature}`)).toBeNull();
  });
});
