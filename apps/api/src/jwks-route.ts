// GET /.well-known/jwks.json: the public keys that verify this identity's access tokens, for the
// platform's other apps (createJwksTokenVerifier in @platform/auth). With EdDSA: the signing key's
// public part and JWT_ADDITIONAL_PUBLIC_KEYS, each named by its kid. With HS256: `{ "keys": [] }`,
// 200 rather than 404, because the answer is true (no public key verifies an HS256 token; the apps
// of such a platform share JWT_SECRET instead) and a verifier pointed here by mistake then refuses
// tokens (401) instead of reporting an outage (503) forever.
//
// Public keys only: each member is named when the JWKS is built (signing-keys.ts), so no private
// part can be listed. Cacheable for `jwksMaxAgeSeconds` (the only answer of this API that is; see
// security-headers.ts): the keys change only when the identity restarts with other keys, and a
// verifier refetches on its own when a token names a key it has not seen.
import type { TokenService } from "@platform/auth";

import type { ApiServer } from "./api-server.js";

export const jwksPath = "/.well-known/jwks.json";

/** How long a JWKS may be cached (by a proxy, a CDN, a verifier that honours it). */
export const jwksMaxAgeSeconds = 300;

export function registerJwksRoute(server: ApiServer, tokens: TokenService): void {
  server.get(jwksPath, { config: { cacheControl: `public, max-age=${jwksMaxAgeSeconds}` } }, async (_request, reply) =>
    reply.type("application/jwk-set+json").send(await tokens.publishedKeys()),
  );
}
