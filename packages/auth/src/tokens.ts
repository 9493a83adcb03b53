// Access tokens: short-lived HS256 JWTs (jose) carrying the user id (`sub`), the session id (`sid`)
// and the roles at signing time. Verification pins the algorithm, issuer and audience and requires
// `exp`; anything else (another algorithm, `alg: none`, a bad signature, expiry) gives null. An
// `iat` more than `accessTokenClockToleranceSeconds` ahead of our clock is refused too: no token we
// sign is issued in the future, so one that claims to be was minted ahead of time (with a stolen
// key, to outlive its rotation) or by a clock that is badly wrong. The roles in a token are
// informational: authorization uses the registry's current roles.
//
// Verifying an HS256 signature costs a WebCrypto call (about a tenth of an authenticated call's
// CPU), and a client sends the same token for its whole life. So the claims of tokens that
// verified are remembered, keyed by the whole token (any other token, even one differing in a
// single byte of its signature, is verified afresh), and a remembered token is still refused from
// the second it expires, exactly as jose would refuse it. Only tokens that verified are remembered.
import { jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  roles: readonly string[];
  expiresAt: Date;
}

export interface TokenServiceOptions {
  secret: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  now?: () => Date;
  /** How many verified tokens are remembered (least recently used dropped first). */
  verifiedTokensRemembered?: number;
}

export interface TokenService {
  sign(claims: { userId: string; sessionId: string; roles: readonly string[] }): Promise<string>;
  /** The token's claims when it is authentic and current, otherwise null. */
  verify(token: string): Promise<AccessTokenClaims | null>;
}

const algorithm = "HS256";

/** How far ahead of our clock a token's `iat` may be: the clock skew between instances we tolerate. */
export const accessTokenClockToleranceSeconds = 30;

export function createTokenService(options: TokenServiceOptions): TokenService {
  const key = new TextEncoder().encode(options.secret);
  const now = options.now ?? (() => new Date());
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const verified = new LRUCache<string, AccessTokenClaims>({ max: options.verifiedTokensRemembered ?? 10_000 });
  // jose's rule: expired once `exp` <= now, in whole seconds
  const hasExpired = (claims: AccessTokenClaims) => claims.expiresAt.getTime() / 1000 <= seconds(now());

  async function verifySignature(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [algorithm],
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
    } catch {
      return null;
    }
  }

  return {
    async sign({ userId, sessionId, roles }) {
      const issuedAt = seconds(now());
      return new SignJWT({ sid: sessionId, roles: [...roles] })
        .setProtectedHeader({ alg: algorithm, typ: "JWT" })
        .setSubject(userId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + options.accessTokenTtlSeconds)
        .sign(key);
    },

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
