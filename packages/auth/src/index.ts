export { authenticate, readBearerToken, type AuthDeps, type Caller, type SessionSource } from "./authenticate.js";
export { hashPassword, needsRehash, passwordHashOptions, verifyAgainstDummyHash, verifyPassword } from "./password.js";
export { initAuth, type AuthContext, type RequestInfo } from "./procedures.js";
export { createMemorySessionRegistry, type MemorySessionRegistryOptions } from "./memory-session-registry.js";
export { createRedisSessionRegistry, type RedisSessionRegistryOptions } from "./redis-session-registry.js";
export { isServiceUnavailable } from "./service-errors.js";
export { defaultRolesTtlSeconds, type RegisteredSession, type SessionLookup, type SessionRegistry } from "./session-registry.js";
export { createTokenService, type AccessTokenClaims, type TokenService, type TokenServiceOptions } from "./tokens.js";
