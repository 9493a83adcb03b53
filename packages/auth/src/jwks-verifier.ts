// How an app other than the identity checks the identity's access tokens when they are EdDSA-signed:
// against the public keys the identity publishes (its JWKS, fetched from a URL or given as JSON), so
// it holds nothing that could mint a token. The identity verifies its own tokens the same way, from
// its own JWKS (tokens.ts). The rules are token-verifier.ts's, with the algorithm pinned to EdDSA.
//
// A token names its key by `kid`; one that names none, or a key the set does not have, is refused
// (null). Before refusing an unknown kid, jose refetches the set, at most once per cooldown: a new
// key's tokens work once the identity publishes it (but are refused within a cooldown of the last
// fetch, which is why the README's rotation publishes the next key before it signs), and a flood
// of made-up kids costs the identity one request per cooldown. The key comes from the configured
// set only: the token's own `jku`, `x5u` and `jwk` headers are never read, so a token cannot
// choose the key that checks it. When the set cannot be had (unreachable, too slow, not a JWKS),
// verify throws KeySetUnavailableError, which the procedure middleware answers with 503: never
// UNAUTHORIZED for an outage, never access without a checked signature.
//
// Limits: jose keeps a fetched set for `cacheMaxAgeMs` and refetches after it, so a key removed
// from the JWKS still verifies here for up to that long (and a token verified before, until it
// expires: token-verifier.ts). With the URL down once that age has passed, every call is a 503.
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

import { KeySetUnavailableError } from "./key-set-unavailable.js";
import { createTokenVerifier, type TokenVerifier } from "./token-verifier.js";

interface CommonOptions {
  issuer: string;
  audience: string;
  now?: () => Date;
  /** How many verified tokens are remembered (least recently used dropped first). */
  verifiedTokensRemembered?: number;
}

export interface RemoteJwksOptions extends CommonOptions {
  /** The identity's `/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** How long one fetch of the set may take before it counts as an outage. Default 1 500 ms. */
  timeoutMs?: number;
  /** The least time between two fetches caused by unknown kids. Default 30 s (jose's). */
  cooldownMs?: number;
  /** How long a fetched set is used before it is fetched again. Default 10 min (jose's). */
  cacheMaxAgeMs?: number;
}

export interface LocalJwksOptions extends CommonOptions {
  /** The identity's JWKS as JSON (e.g. read from a file); its keys are all there is. */
  jwks: JSONWebKeySet;
}

export type JwksTokenVerifierOptions = RemoteJwksOptions | LocalJwksOptions;

/** Within the 2 s in which a call must answer during an outage (as for Postgres and Redis). */
export const jwksFetchTimeoutMs = 1_500;

export function createJwksTokenVerifier(options: JwksTokenVerifierOptions): TokenVerifier {
  const { issuer, audience, now, verifiedTokensRemembered } = options;
  return createTokenVerifier({
    algorithm: "EdDSA",
    key: keyLookupOf(options),
    issuer,
    audience,
    now,
    verifiedTokensRemembered,
  });
}

function keyLookupOf(options: JwksTokenVerifierOptions): JWTVerifyGetKey {
  if (!("jwksUrl" in options)) return keyNamedBy(createLocalJWKSet(options.jwks), "the given JWKS");
  const url = new URL(options.jwksUrl);
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: options.timeoutMs ?? jwksFetchTimeoutMs,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
  });
  return keyNamedBy(remote, url.href);
}

/** The key of the set that the token names by its kid; an unknown kid is a refusal, anything else an outage. */
function keyNamedBy(keySet: JWTVerifyGetKey, where: string): JWTVerifyGetKey {
  return async (header, token) => {
    // every token the identity signs names its key: one that names none is not its token
    if (typeof header.kid !== "string") throw new errors.JWKSNoMatchingKey();
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw error;
      throw new KeySetUnavailableError(error, where);
    }
  };
}
