// @platform/auth: what an app of the platform (the identity API, a specialist app) needs to
// authenticate calls and build its procedures. Everything else in this package is internal.
// Test support (a registry and limiters per test file) is `@platform/auth/testing`.

// Procedures: `initAuth<Deps>()` returns router, publicProcedure, authedProcedure, requireRole, adminProcedure.
export {
  type AccessDenial,
  type AuthDeps,
  authenticate,
  createSessionCache,
  type Principal,
  type SessionCache,
  type SessionSource,
} from "./authenticate.js";
export { type AuthContext, initAuth, type RequestInfo } from "./init-auth.js";

// Specialist apps: the identity's tokens, the shared registry read-only, misses asked of the identity.
export { createIdentitySessionSource, type IdentitySessionSourceOptions } from "./identity-session-source.js";
export { specialistAclRules } from "./redis-acl.js";
export { createSpecialistDeps, type SpecialistOptions } from "./specialist.js";
export { identityOnlyRegistry, readOnlyRegistry } from "./specialist-registry.js";

// Errors every app throws, and the error data every client reads.
export { type ErrorData, type ErrorShape, type InputIssue } from "./error-formatter.js";
export { errorDetailsOf, platformErrors, type UnauthorizedReason } from "./errors.js";
export { isServiceUnavailable, ServiceUnreachableError } from "./service-errors.js";

// Tokens: short-lived access JWTs (HS256 or EdDSA) and rotating refresh tokens; device tokens for the sign-in back-off.
export { createDeviceTokenService, type DeviceTokenService } from "./device-tokens.js";
export { createRefreshTokenService, type RefreshTokenService } from "./refresh-tokens.js";
export { createTokenService, type TokenService, type TokenServiceOptions } from "./tokens.js";
// What AuthDeps.tokens needs: checks tokens (an app other than the identity gets no way to mint one).
export { type AccessTokenClaims, type TokenVerifier } from "./token-verifier.js";
// An app other than the identity: verifies EdDSA tokens against the identity's JWKS (a URL or JSON),
// or HS256 tokens with the shared secret.
export { createHmacTokenVerifier, type HmacTokenVerifierOptions } from "./hmac-verifier.js";
export { createJwksTokenVerifier, type JwksTokenVerifierOptions } from "./jwks-verifier.js";
// The error such a verifier throws when the JWKS cannot be had: an outage (503), not a refusal.
export { KeySetUnavailableError } from "./key-set-unavailable.js";
// Ed25519 keys (JWT_ALGORITHM=EdDSA): read from PEM text for the configuration, and published as a JWKS.
export {
  type Ed25519SigningKeys,
  type KeyReading,
  type PublishedJwk,
  type PublishedJwks,
  readEd25519PrivateKey,
  readEd25519PublicKeys,
} from "./signing-keys.js";

// The session registry every instance and app shares (Redis), or one process's (in-process).
export { createMemorySessionRegistry } from "./memory-session-registry.js";
export { type RedisClusterSeeds, redisClusterSeeds, type RedisConnection } from "./redis-connection.js";
export { createRedisSessionRegistry } from "./redis-session-registry.js";
export { type SessionRegistry, type UserRoles } from "./session-registry.js";

// What an instance remembers of the registry, dropped on every change any instance announces.
export { type ChangeFeed, type ChangeListener } from "./change-feed.js";
export { createUserCache, type UserCache, userCacheMaxAgeMs } from "./user-cache.js";

// Sign-in back-off.
export { createMemoryRateLimiter } from "./memory-rate-limiter.js";
export {
  defaultRateLimitPolicy,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
} from "./rate-limiter.js";
export { createRedisRateLimiter } from "./redis-rate-limiter.js";

// Passwords: argon2id hashing and the policy for new passwords.
export {
  hashPassword,
  needsRehash,
  storedHashBounds,
  storedHashProblem,
  verifyAgainstDummyHash,
  verifyPassword,
} from "./password.js";
export { passwordLengthProblem, passwordPolicyProblem } from "./password-policy.js";
