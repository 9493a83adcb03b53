// Verifying an access token, whatever kind of key signed it: the one set of rules every app applies,
// the identity (HS256 secret or its own Ed25519 keys, tokens.ts) and a specialist (the identity's
// JWKS, jwks-verifier.ts) alike. The algorithm, issuer and audience are pinned and `sub`, `sid`,
// `exp` and `iat` are required; anything else (another algorithm, `alg: none`, a bad signature,
// expiry) gives null. An `iat` more than `accessTokenClockToleranceSeconds` ahead of our clock is
// refused too: no token the identity signs is issued in the future, so one that claims to be was
// minted ahead of time (with a stolen key, to outlive its rotation) or by a clock that is badly
// wrong. The roles in a token are informational: authorization uses the registry's current roles.
//
// Null means "not a valid token" and nothing else. When the key that would decide cannot be had
// (the identity's JWKS unreachable), the key lookup throws KeySetUnavailableError and so does
// verify: that is an outage (503), never a refusal and never access on a signature alone.
//
// Verifying a signature costs a WebCrypto call (about a tenth of an authenticated call's CPU), and
// a client sends the same token for its whole life. So the claims of tokens that verified are
// remembered, keyed by the whole token (any other token, even one differing in a single byte of its
// signature, is verified afresh), and a remembered token is still refused from the second it
// expires, exactly as jose would refuse it. Only tokens that verified are remembered. Limit: a
// remembered token outlives the removal of its key until it expires (at most the access-token TTL).
import { jwtVerify, type JWTVerifyGetKey } from "jose";
import { LRUCache } from "lru-cache";

import { isKeySetUnavailable } from "./key-set-unavailable.js";

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  roles: readonly string[];
  expiresAt: Date;
}

/** What an app needs to accept the identity's tokens: it can check them, not mint them. */
export interface TokenVerifier {
  /** The token's claims when it is authentic and current, otherwise null; throws only for an outage. */
  verify(token: string): Promise<AccessTokenClaims | null>;
}

/** How far ahead of our clock a token's `iat` may be: the clock skew between instances we tolerate. */
export const accessTokenClockToleranceSeconds = 30;

export interface TokenVerifierOptions {
  /** The only algorithm accepted: checked before any key is looked up. */
  algorithm: "HS256" | "EdDSA";
  /** The HMAC secret's bytes, or a lookup of the public key a token names (by its `kid`). */
  key: Uint8Array | JWTVerifyGetKey;
  issuer: string;
  audience: string;
  now?: () => Date;
  /** How many verified tokens are remembered (least recently used dropped first). */
  verifiedTokensRemembered?: number;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? (() => new Date());
  const verified = new LRUCache<string, AccessTokenClaims>({ max: options.verifiedTokensRemembered ?? 10_000 });
  // jose's rule: expired once `exp` <= now, in whole seconds
  const hasExpired = (claims: AccessTokenClaims) => claims.expiresAt.getTime() / 1000 <= seconds(now());

  async function verifySignature(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerifyWith(options.key, token, {
        algorithms: [options.algorithm],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ["sub", "sid", "exp", "iat"],
        currentDate: now(),
      });
      const { sub, sid, roles, exp, iat } = payload;
      if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number") return null;
      if (typeof iat !== "number" || iat > seconds(now()) + accessTokenClockToleranceSeconds) return null;
      const tokenRoles = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
      return Object.freeze({ userId: sub, sessionId: sid, roles: tokenRoles, expiresAt: new Date(exp * 1000) });
    } catch (error) {
      if (isKeySetUnavailable(error)) throw error;
      return null;
    }
  }

  return {
    async verify(token) {
      const remembered = verified.get(token);
      if (remembered) {
        if (!hasExpired(remembered)) return remembered;
        verified.delete(token);
        return null;
      }
      const claims = await verifySignature(token);
      if (claims) verified.set(token, claims);
      return claims;
    },
  };
}

/** jwtVerify has one overload per kind of key; this picks the right one. */
function jwtVerifyWith(key: Uint8Array | JWTVerifyGetKey, token: string, options: Parameters<typeof jwtVerify>[2]) {
  return key instanceof Uint8Array ? jwtVerify(token, key, options) : jwtVerify(token, key, options);
}
