// Opens the real connections named by the configuration and assembles the dependencies.
import { createRedisSessionRegistry, type SessionRegistry } from "@platform/auth";
import { applyMigrations, createPrismaClient, type PrismaClient } from "@platform/db";
import { Redis } from "ioredis";
import type { Config } from "./config.js";
import { createDeps, type ApiDeps } from "./deps.js";
import { seedAdmin } from "./seed-admin.js";

export class StartupError extends Error {
  override name = "StartupError";
}

export interface OpenedDeps {
  deps: ApiDeps;
  /** Human-readable lines for the start-up log: what is in use and where. */
  report: string[];
  close(): Promise<void>;
}

/** "postgres://user:secret@host:5432/db" -> "postgres://user@host:5432/db" (never log passwords). */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = "";
  return parsed.toString();
}

async function openDatabase(config: Config) {
  if (!config.databaseUrl) {
    throw new StartupError("DATABASE_URL is not set: set it to a postgres:// URL");
  }
  const prisma = createPrismaClient({ url: config.databaseUrl });
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch (error) {
    await prisma.$disconnect();
    throw new StartupError(`Cannot reach PostgreSQL at DATABASE_URL=${redactUrl(config.databaseUrl)}: ${(error as Error).message}`);
  }
  return { prisma, description: `PostgreSQL at ${redactUrl(config.databaseUrl)}` };
}

async function openRegistry(config: Config): Promise<{ registry: SessionRegistry; description: string }> {
  if (!config.redisUrl) throw new StartupError("REDIS_URL is not set: set it to a redis:// URL");
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    // fail fast while Redis is away (calls get 503) instead of queueing requests
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new StartupError(`Cannot reach Redis at REDIS_URL=${redactUrl(config.redisUrl)}: ${(error as Error).message}`);
  }
  return { registry: createRedisSessionRegistry({ redis }), description: `Redis at ${redactUrl(config.redisUrl)} (shared)` };
}

async function prepareDatabase(config: Config, prisma: PrismaClient, databaseUrl: string, report: string[]) {
  if (config.env !== "development") return;
  const applied = await applyMigrations(databaseUrl);
  report.push(applied.length ? `migrations applied: ${applied.join(", ")}` : "migrations: up to date");
  const admin = await seedAdmin(prisma, config.admin);
  report.push(
    admin.created
      ? `admin created: ${config.admin.email} / ${config.admin.password}`
      : `admin: ${config.admin.email} (already existed; password unchanged)`,
  );
}

export async function openDeps(config: Config): Promise<OpenedDeps> {
  const database = await openDatabase(config);
  let registry: SessionRegistry | undefined;
  try {
    const opened = await openRegistry(config);
    registry = opened.registry;
    const report = [`database: ${database.description}`, `session registry: ${opened.description}`];
    await prepareDatabase(config, database.prisma, config.databaseUrl!, report);
    const deps = createDeps({ config, prisma: database.prisma, registry });
    return {
      deps,
      report,
      close: async () => {
        await Promise.allSettled([database.prisma.$disconnect(), opened.registry.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([database.prisma.$disconnect(), registry?.close()]);
    throw error;
  }
}
