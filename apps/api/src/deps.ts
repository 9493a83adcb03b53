// Everything a procedure needs, created once at start-up and passed through the context.
// `createDeps` only assembles; `openDeps` (open-deps.ts) opens the real connections. Tests call
// `createDeps` with their own database and registry.
import {
  type AuthDeps,
  createMemoryRateLimiter,
  createRefreshTokenService,
  createTokenService,
  type RateLimiter,
  type RefreshTokenService,
  type SessionRegistry,
  type SessionSource,
} from "@platform/auth";
import type { PrismaClient } from "@platform/db";

import type { Config } from "./config.js";

export interface ApiDeps extends AuthDeps {
  config: Config;
  prisma: PrismaClient;
  refreshTokens: RefreshTokenService;
  signInLimiters: SignInLimiters;
  now: () => Date;
}

/** Sign-in back-off per account and per client IP (separate budgets: many people can share an IP). */
export interface SignInLimiters {
  account: RateLimiter;
  ip: RateLimiter;
}

export interface CreateDepsOptions {
  config: Config;
  prisma: PrismaClient;
  registry: SessionRegistry;
  /** Default: in-process limiters (one instance); pass Redis ones to share counts. */
  signInLimiters?: SignInLimiters;
  now?: () => Date;
}

export function createDeps({
  config,
  prisma,
  registry,
  signInLimiters,
  now = () => new Date(),
}: CreateDepsOptions): ApiDeps {
  const tokens = createTokenService({ ...config.jwt, accessTokenTtlSeconds: config.accessTokenTtlSeconds, now });

  const loadSession: SessionSource = async (sessionId) => {
    const session = await prisma.session.findUnique({
      where: { id: sessionId },
      select: { userId: true, expiresAt: true, isRevoked: true, user: { select: { roles: true, rolesVersion: true } } },
    });
    if (!session || session.isRevoked || session.expiresAt <= now()) return null;
    const { roles, rolesVersion: version } = session.user;
    return { userId: session.userId, expiresAt: session.expiresAt, roles: { roles, version } };
  };

  const refreshTokens = createRefreshTokenService(config.jwt.secret);
  return {
    config,
    prisma,
    registry,
    tokens,
    refreshTokens,
    loadSession,
    now,
    signInLimiters: signInLimiters ?? {
      account: createMemoryRateLimiter({ ...config.signInLimits.account, now }),
      ip: createMemoryRateLimiter({ ...config.signInLimits.ip, now }),
    },
  };
}
