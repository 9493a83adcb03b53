// Everything a procedure needs, created once at start-up and passed through the context.
// `createDeps` only assembles (it opens nothing, so it has nothing to close); `openDeps`
// (open-deps.ts) opens the real connections and closes them. Tests call `createDeps` with their
// own database, registry and limiters.
import {
  type AuthDeps,
  createDeviceTokenService,
  createMemoryRateLimiter,
  createRedisRateLimiter,
  createRefreshTokenService,
  createSessionCache,
  createTokenService,
  createUserCache,
  type DeviceTokenService,
  type RateLimiter,
  type RedisConnection,
  type RefreshTokenService,
  type SessionRegistry,
  type TokenService,
  type UserCache,
} from "@platform/auth";
import type { PrismaClient } from "@platform/db";

import { recordAudit } from "./audit-log.js";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import { createRegistryLag, type RegistryLag } from "./registry-outbox.js";
import { createSessionSource, type PostgresSessionSource } from "./session-lifecycle.js";
import { type AuditedBlocks, createAuditedBlocks } from "./sign-in-limits.js";
import type { PublicUser } from "./user-select.js";

export interface ApiDeps extends AuthDeps {
  /** The identity signs access tokens too, and publishes the keys that verify them (GET /.well-known/jwks.json). */
  tokens: TokenService;
  config: Config;
  prisma: PrismaClient;
  loadSession: PostgresSessionSource;
  refreshTokens: RefreshTokenService;
  /** Issued at sign-in: a device that presents one spends from a back-off budget of its own. */
  deviceTokens: DeviceTokenService;
  signInLimiters: SignInLimiters;
  /** The back-off blocks whose refusals have been audited already (one row per block). */
  auditedBlocks: AuditedBlocks;
  /** The process's one logger (also Fastify's): operational messages go here, governed by LOG_LEVEL. */
  logger: Logger;
  /** Whose registry entries may be behind Postgres (registry-outbox.ts); read by isRegistryBehind. */
  registryLag: RegistryLag;
  /** What `auth.me` read of each user, dropped with the user's sessions' answers (see user-cache.ts). */
  profileCache: UserCache<PublicUser | null>;
  now: () => Date;
}

/**
 * Sign-in back-off per account and per client IP (separate budgets: many people can share an IP),
 * and per known device (a budget strangers cannot spend: see sign-in-limits.ts).
 */
export interface SignInLimiters {
  account: RateLimiter;
  ip: RateLimiter;
  known: RateLimiter;
}

/** How long a device stays known after its last successful sign-in. */
export const deviceTokenMaxAgeSeconds = 180 * 24 * 60 * 60;

/**
 * The sign-in budgets: in Redis when `shared` is given (counted by every instance), else in this
 * process. A known device's budget is the size of the account's.
 */
export function createSignInLimiters(
  limits: Config["signInLimits"],
  shared?: { redis: RedisConnection; keyPrefix?: string },
): SignInLimiters {
  const budgets = { account: limits.account, ip: limits.ip, known: limits.account };
  const limiter = (name: keyof SignInLimiters) =>
    shared ? createRedisRateLimiter({ ...shared, name, ...budgets[name] }) : createMemoryRateLimiter(budgets[name]);
  return { account: limiter("account"), ip: limiter("ip"), known: limiter("known") };
}

export interface CreateDepsOptions {
  config: Config;
  prisma: PrismaClient;
  registry: SessionRegistry;
  /** In Redis to share counts between instances, or in-process (see open-deps.ts). */
  signInLimiters: SignInLimiters;
  /** From `createLogger(config)`; tests pass a silent one, or one that captures lines. */
  logger: Logger;
  now?: () => Date;
}

export function createDeps({
  config,
  prisma,
  registry,
  signInLimiters,
  logger,
  now = () => new Date(),
}: CreateDepsOptions): ApiDeps {
  const { secret, issuer, audience, accessTokens } = config.jwt;
  const tokens = createTokenService({
    issuer,
    audience,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    now,
    ...(accessTokens.algorithm === "EdDSA" ? { ed25519: accessTokens.keys } : { secret }),
  });

  const refreshTokens = createRefreshTokenService(config.jwt.secret);
  const registryLag = createRegistryLag();
  const deviceTokens = createDeviceTokenService({
    secret: config.jwt.secret,
    maxAgeSeconds: deviceTokenMaxAgeSeconds,
    now,
  });
  return {
    config,
    prisma,
    registry,
    tokens,
    refreshTokens,
    deviceTokens,
    loadSession: createSessionSource(prisma, now),
    sessionCache: createSessionCache(registry),
    profileCache: createUserCache({ changes: registry.changes, keep: (user) => user !== null }),
    registryLag,
    isRegistryBehind: (userId) => registryLag.has(userId),
    now,
    signInLimiters,
    auditedBlocks: createAuditedBlocks(),
    logger,
    onAccessDenied: ({ principal, path, requiredRoles, request }) =>
      recordAudit(
        { prisma, logger },
        {
          action: "access_denied",
          outcome: "failure",
          actorId: principal.userId,
          request,
          details: { path, requiredRoles: [...requiredRoles] },
        },
      ),
  };
}
