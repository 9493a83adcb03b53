// How an app other than the identity checks the identity's access tokens on an HS256 platform:
// with the shared secret (the identity's JWT_SECRET). The rules are token-verifier.ts's, with the
// algorithm pinned to HS256; the identity's token service verifies its own HS256 tokens through
// this very function (tokens.ts). What it returns can only verify: it has no way to sign, so an app
// given it mints nothing, although whoever holds the secret could (hence EdDSA, and a JWKS, for a
// platform of several apps).
import { createTokenVerifier, type TokenVerifier } from "./token-verifier.js";

export interface HmacTokenVerifierOptions {
  /** The identity's JWT_SECRET. */
  secret: string;
  issuer: string;
  audience: string;
  now?: () => Date;
  /** How many verified tokens are remembered (least recently used dropped first). */
  verifiedTokensRemembered?: number;
}

export function createHmacTokenVerifier(options: HmacTokenVerifierOptions): TokenVerifier {
  const { secret, issuer, audience, now, verifiedTokensRemembered } = options;
  const key = new TextEncoder().encode(secret);
  return createTokenVerifier({ algorithm: "HS256", key, issuer, audience, now, verifiedTokensRemembered });
}
