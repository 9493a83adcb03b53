// What a specialist app (notes, billing, files...) needs to accept the identity's tokens, in one
// call. It holds no signing key and reads no identity table:
//   tokens    a verifier: the identity's public keys (createJwksTokenVerifier) on an EdDSA
//             platform, or the shared secret (createHmacTokenVerifier) on an HS256 one
//   registry  the shared Redis, read-only (a connection under the specialist ACL, redis-acl.ts);
//             without one, the identity service answers every call (development)
//   misses    answered by the identity service (identity-session-source.ts)
//   memory    live sessions are remembered until the registry's change feed says otherwise, as on
//             the identity (user-cache.ts), so a live session costs no round trip
//
//   const deps = createSpecialistDeps({ tokens, redis, identityUrl: "https://id.example/trpc" });
//   const { router, authedProcedure, adminProcedure } = initAuth<typeof deps>();
import { type AuthDeps, createSessionCache } from "./authenticate.js";
import { createIdentitySessionSource, identityAnswerTimeoutMs } from "./identity-session-source.js";
import type { RedisConnection } from "./redis-connection.js";
import { createRedisSessionRegistry } from "./redis-session-registry.js";
import { ServiceUnreachableError } from "./service-errors.js";
import { identityOnlyRegistry, readOnlyRegistry } from "./specialist-registry.js";

export interface SpecialistOptions {
  tokens: AuthDeps["tokens"];
  /** The identity service's tRPC endpoint, e.g. http://127.0.0.1:3001/trpc */
  identityUrl: string;
  /** The shared registry's connection (closed by `registry.close()`); undefined: none (development). */
  redis?: RedisConnection | undefined;
  /** The identity's key prefix, when it is not the default. */
  keyPrefix?: string;
  fetch?: typeof fetch;
}

export function createSpecialistDeps(options: SpecialistOptions): AuthDeps {
  const fetch = options.fetch ?? globalThis.fetch;
  const registry = options.redis
    ? readOnlyRegistry(createRedisSessionRegistry({ redis: options.redis, keyPrefix: options.keyPrefix }))
    : identityOnlyRegistry(() => pingIdentity(options.identityUrl, fetch));
  return {
    tokens: options.tokens,
    registry,
    loadSession: createIdentitySessionSource({ identityUrl: options.identityUrl, fetch }),
    sessionCache: createSessionCache(registry),
  };
}

/** Throws unless the identity service answers `health.ping`. */
async function pingIdentity(identityUrl: string, fetch: typeof globalThis.fetch): Promise<void> {
  const endpoint = `${identityUrl.replace(/\/+$/, "")}/health.ping`;
  const response = await fetch(endpoint, { signal: AbortSignal.timeout(identityAnswerTimeoutMs) }).catch(
    (cause: unknown) => {
      throw new ServiceUnreachableError(`the identity service at ${endpoint} did not answer`, { cause });
    },
  );
  if (!response.ok)
    throw new ServiceUnreachableError(`the identity service at ${endpoint} answered ${response.status}`);
}
