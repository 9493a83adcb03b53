// Everything a procedure needs, created once at start-up and passed through the context.
// `createDeps` only assembles; `openDeps` (open-deps.ts) opens the real connections. Tests call
// `createDeps` with their own database and registry.
import { createTokenService, type AuthDeps, type SessionRegistry, type SessionSource } from "@platform/auth";
import type { PrismaClient } from "@platform/db";
import type { Config } from "./config.js";

export interface ApiDeps extends AuthDeps {
  config: Config;
  prisma: PrismaClient;
  now: () => Date;
}

export interface CreateDepsOptions {
  config: Config;
  prisma: PrismaClient;
  registry: SessionRegistry;
  now?: () => Date;
}

export function createDeps({ config, prisma, registry, now = () => new Date() }: CreateDepsOptions): ApiDeps {
  const tokens = createTokenService({ ...config.jwt, accessTokenTtlSeconds: config.accessTokenTtlSeconds, now });

  const loadSession: SessionSource = async (sessionId) => {
    const session = await prisma.session.findUnique({
      where: { id: sessionId },
      select: { userId: true, expiresAt: true, isRevoked: true, user: { select: { roles: true } } },
    });
    if (!session || session.isRevoked || session.expiresAt <= now()) return null;
    return { userId: session.userId, expiresAt: session.expiresAt, roles: session.user.roles };
  };

  return { config, prisma, registry, tokens, loadSession, now };
}
