export { type AuthDeps, authenticate, type Principal, readBearerToken, type SessionSource } from "./authenticate.js";
export { createMemoryRateLimiter, type MemoryRateLimiterOptions } from "./memory-rate-limiter.js";
export { createMemorySessionRegistry, type MemorySessionRegistryOptions } from "./memory-session-registry.js";
export { hashPassword, needsRehash, passwordHashOptions, verifyAgainstDummyHash, verifyPassword } from "./password.js";
export { passwordLengthLimits, passwordPolicyProblem } from "./password-policy.js";
export { type AuthContext, initAuth, type RequestInfo,SessionRequired, sessionRequired } from "./procedures.js";
export {
  defaultRateLimitKeyPrefix,
  defaultRateLimitPolicy,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
} from "./rate-limiter.js";
export { createRedisRateLimiter, type RedisRateLimiterOptions } from "./redis-rate-limiter.js";
export { createRedisSessionRegistry, type RedisSessionRegistryOptions } from "./redis-session-registry.js";
export { createRefreshTokenService, type RefreshTokenService } from "./refresh-tokens.js";
export { RetryAfter, retryAfterSecondsOf } from "./retry-after.js";
export { isServiceUnavailable } from "./service-errors.js";
export {
  defaultRolesTtlSeconds,
  type RegisteredSession,
  type SessionLookup,
  type SessionRegistry,
  type UserRoles,
} from "./session-registry.js";
export { type AccessTokenClaims, createTokenService, type TokenService, type TokenServiceOptions } from "./tokens.js";
