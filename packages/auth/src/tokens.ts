// Access tokens as the identity signs them: short-lived JWTs (jose) carrying the user id (`sub`),
// the session id (`sid`) and the roles at signing time, with `iss`, `aud`, `iat` and `exp`. Two
// kinds of key:
//   HS256 (the default, for a platform of one app): one secret signs and verifies.
//   EdDSA (for a platform of several apps): an Ed25519 private key signs, and every token names it
//     in its header (`kid`: the key's RFC 7638 thumbprint). The identity checks its tokens against
//     the keys it publishes (`publishedKeys`: the signing key's public part and the additional
//     public keys that still verify after a rotation), exactly as the other apps do with its JWKS
//     (jwks-verifier.ts); they need no secret, and cannot mint a token.
// The verification rules, and the memory of verified tokens, are token-verifier.ts's; each kind of
// key verifies as the other apps do (hmac-verifier.ts, jwks-verifier.ts).
import { SignJWT } from "jose";

import { createHmacTokenVerifier } from "./hmac-verifier.js";
import { createJwksTokenVerifier } from "./jwks-verifier.js";
import { type Ed25519SigningKeys, publishedJwkOf, type PublishedJwks, publishedJwksOf } from "./signing-keys.js";
import type { TokenVerifier } from "./token-verifier.js";

interface CommonOptions {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  now?: () => Date;
  /** How many verified tokens are remembered (least recently used dropped first). */
  verifiedTokensRemembered?: number;
}

/** HS256 with `secret`, or EdDSA with `ed25519` (the secret then signs no access token). */
export type TokenServiceOptions = CommonOptions & ({ secret: string } | { ed25519: Ed25519SigningKeys });

export interface TokenService extends TokenVerifier {
  sign(claims: { userId: string; sessionId: string; roles: readonly string[] }): Promise<string>;
  /** The public keys that verify this service's tokens, as GET /.well-known/jwks.json lists them (none for HS256). */
  publishedKeys(): Promise<PublishedJwks>;
}

type VerifierOptions = Pick<CommonOptions, "issuer" | "audience" | "now" | "verifiedTokensRemembered">;

/** What differs between the kinds of key: how a token is signed, checked and published. */
interface AccessTokenKey extends TokenVerifier {
  sign(token: SignJWT): Promise<string>;
  publishedKeys(): Promise<PublishedJwks>;
}

export function createTokenService(options: TokenServiceOptions): TokenService {
  const now = options.now ?? (() => new Date());
  const { issuer, audience, verifiedTokensRemembered } = options;
  const verifying: VerifierOptions = { issuer, audience, now, verifiedTokensRemembered };
  const key = "ed25519" in options ? ed25519Key(options.ed25519, verifying) : hmacKey(options.secret, verifying);
  return {
    async sign({ userId, sessionId, roles }) {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const token = new SignJWT({ sid: sessionId, roles: [...roles] })
        .setSubject(userId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + options.accessTokenTtlSeconds);
      return key.sign(token);
    },
    verify: (token) => key.verify(token),
    publishedKeys: () => key.publishedKeys(),
  };
}

function hmacKey(secret: string, options: VerifierOptions): AccessTokenKey {
  const key = new TextEncoder().encode(secret);
  const verifier = createHmacTokenVerifier({ ...options, secret });
  return {
    sign: (token) => token.setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key),
    verify: (token) => verifier.verify(token),
    // a secret is never published: the other apps of an HS256 platform share it instead
    publishedKeys: () => Promise.resolve({ keys: [] }),
  };
}

function ed25519Key(keys: Ed25519SigningKeys, options: VerifierOptions): AccessTokenKey {
  // a kid is a digest, which WebCrypto computes asynchronously: worked out on first use, once
  let prepared: Promise<{ kid: string; jwks: PublishedJwks; verifier: TokenVerifier }> | undefined;
  const prepare = async () => {
    const [{ kid }, jwks] = await Promise.all([publishedJwkOf(keys.privateKey), publishedJwksOf(keys)]);
    return { kid, jwks, verifier: createJwksTokenVerifier({ ...options, jwks }) };
  };
  const ready = () => (prepared ??= prepare());
  return {
    async sign(token) {
      const { kid } = await ready();
      return token.setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid }).sign(keys.privateKey);
    },
    verify: async (token) => (await ready()).verifier.verify(token),
    publishedKeys: async () => structuredClone((await ready()).jwks),
  };
}
