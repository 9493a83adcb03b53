export { type AuthDeps, authenticate, type Principal, readBearerToken, type SessionSource } from "./authenticate.js";
export { createMemoryRateLimiter, type MemoryRateLimiterOptions } from "./memory-rate-limiter.js";
export { createMemorySessionRegistry, type MemorySessionRegistryOptions } from "./memory-session-registry.js";
export { hashPassword, needsRehash, passwordHashOptions, verifyAgainstDummyHash, verifyPassword } from "./password.js";
export { passwordLengthProblem, passwordPolicyProblem } from "./password-policy.js";
export { type ErrorData, type ErrorShape, type InputIssue } from "./error-formatter.js";
export { type ErrorDetails, errorDetailsOf, platformErrors, type UnauthorizedReason } from "./errors.js";
export { type AuthContext, initAuth, type RequestInfo } from "./init-auth.js";
export {
  defaultRateLimitPolicy,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
} from "./rate-limiter.js";
export { createRedisRateLimiter, type RedisRateLimiterOptions } from "./redis-rate-limiter.js";
export { createRedisSessionRegistry, type RedisSessionRegistryOptions } from "./redis-session-registry.js";
export { createRefreshTokenService, type RefreshTokenService } from "./refresh-tokens.js";
export {
  defaultRolesTtlSeconds,
  type RegisteredSession,
  type SessionLookup,
  type SessionRegistry,
  type UserRoles,
} from "./session-registry.js";
export { type AccessTokenClaims, createTokenService, type TokenService, type TokenServiceOptions } from "./tokens.js";
