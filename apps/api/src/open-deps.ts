// Opens what the configuration names and assembles the dependencies:
//   database  a PostgreSQL server (DATABASE_URL), or the embedded one in DATA_DIR (default .data/)
//   registry  Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES), shared by every
//             instance; or in-process, for one instance only (the sign-in rate-limit counters
//             live with it)
// The embedded database is always migrated on start (nobody else can reach it to do so); a
// server is migrated on start in development, and with `pnpm db:migrate` elsewhere. In
// development a server database that does not exist yet is created, and so is the admin.
// `close()` closes everything opened here.
import { createMemorySessionRegistry, createRedisSessionRegistry, type SessionRegistry } from "@platform/auth";
import {
  applyMigrations,
  createDatabase,
  createPrismaClient,
  databaseNameOf,
  type PrismaClient,
  startEmbeddedPostgres,
} from "@platform/db";

import type { Config } from "./config.js";
import { createDatabaseHint, isMissingDatabase, summarizeDatabaseError } from "./database-errors.js";
import { type ApiDeps, createDeps, createSignInLimiters, type SignInLimiters } from "./deps.js";
import { createLogger, type Logger } from "./logger.js";
import { redactUrl } from "./redact-url.js";
import { describeRedisTarget, openRedisTarget } from "./redis-connection.js";
import { seedAdmin } from "./seed-admin.js";
import { StartupError } from "./startup-error.js";

export interface OpenedDeps {
  deps: ApiDeps;
  /** Human-readable lines for the start-up log: what is in use and where. */
  report: string[];
  close(): Promise<void>;
}

interface Opened<T> {
  value: T;
  description: string;
  close(): Promise<void>;
}

async function openDatabase(config: Config, report: string[]): Promise<Opened<PrismaClient>> {
  if (config.database.kind === "server") {
    const { url } = config.database;
    const prisma = createPrismaClient({ url });
    try {
      await prisma.$queryRaw`SELECT 1`.catch(async (error: unknown) => {
        if (!isMissingDatabase(error)) throw error;
        const name = databaseNameOf(url);
        // in development the database is a scratch pad, as the embedded one is: make it
        if (config.env !== "development") throw new StartupError(createDatabaseHint(url, name), { cause: error });
        await createDatabase(url);
        report.push(`database created: ${name} (it did not exist; created in development only)`);
        await prisma.$queryRaw`SELECT 1`;
      });
      if (config.env === "development") report.push(migrationReport(await applyMigrations(url)));
    } catch (error) {
      await prisma.$disconnect();
      const reason = error instanceof StartupError ? error.message : summarizeDatabaseError(error);
      throw new StartupError(`Cannot use PostgreSQL at DATABASE_URL=${redactUrl(url)}: ${reason}`, {
        cause: error instanceof StartupError ? error.cause : error,
      });
    }
    return { value: prisma, description: `PostgreSQL at ${redactUrl(url)}`, close: () => prisma.$disconnect() };
  }

  const { dataDir } = config.database;
  const embedded = await startEmbeddedPostgres({ dataDir }).catch((error: unknown) => {
    throw new StartupError((error as Error).message, { cause: error });
  });
  try {
    report.push(migrationReport(await applyMigrations(embedded.url)));
  } catch (error) {
    await embedded.stop();
    throw new StartupError(`Cannot migrate the embedded database in ${dataDir}: ${summarizeDatabaseError(error)}`, {
      cause: error,
    });
  }
  const prisma = createPrismaClient({ url: embedded.url, poolMax: embedded.poolMax, timeouts: embedded.timeouts });
  return {
    value: prisma,
    description: `embedded PostgreSQL (PGlite), data in ${dataDir}${embedded.isNew ? " (new)" : ""}; one process only, set DATABASE_URL for a server`,
    close: async () => {
      await prisma.$disconnect();
      await embedded.stop();
    },
  };
}

const migrationReport = (applied: string[]) =>
  applied.length ? `migrations applied: ${applied.join(", ")}` : "migrations: up to date";

interface SharedState {
  registry: SessionRegistry;
  signInLimiters: SignInLimiters;
}

/**
 * Closes the limiters (in process they run a sweep timer each; in Redis they only borrow the
 * connection) and then the registry (which owns the Redis connection).
 */
async function closeSharedState({ registry, signInLimiters }: SharedState): Promise<void> {
  const { account, ip, known } = signInLimiters;
  await Promise.allSettled([account.close(), ip.close(), known.close()]);
  await registry.close();
}

/** The session registry and the sign-in counters: in Redis (shared), or in this process. */
async function openSharedState(config: Config, logger: Logger): Promise<Opened<SharedState>> {
  if (config.registry.kind === "memory") {
    const state = {
      registry: createMemorySessionRegistry(),
      signInLimiters: createSignInLimiters(config.signInLimits),
    };
    return {
      value: state,
      description:
        "in-process (this instance only: sessions are not shared; set REDIS_URL or REDIS_CLUSTER_NODES to share them)",
      close: () => closeSharedState(state),
    };
  }
  const { registry } = config;
  const redis = await openRedisTarget(registry, logger);
  const state = {
    registry: createRedisSessionRegistry({ redis }),
    signInLimiters: createSignInLimiters(config.signInLimits, { redis }),
  };
  return {
    value: state,
    description: `${describeRedisTarget(registry)} (shared)`,
    close: () => closeSharedState(state),
  };
}

export async function openDeps(config: Config, logger: Logger = createLogger(config)): Promise<OpenedDeps> {
  const report: string[] = [];
  const shared = await openSharedState(config, logger);
  let database: Opened<PrismaClient> | undefined;
  try {
    database = await openDatabase(config, report);
    report.unshift(`database: ${database.description}`, `session registry: ${shared.description}`);
    if (config.env === "development") {
      const admin = await seedAdmin(database.value, config.admin);
      report.push(
        admin.created
          ? `admin created: ${config.admin.email} / ${config.admin.password}`
          : `admin: ${config.admin.email} (already existed; password unchanged)`,
      );
    }
  } catch (error) {
    await Promise.allSettled([database?.close(), shared.close()]);
    throw error;
  }
  const opened = database;
  return {
    deps: createDeps({ config, prisma: opened.value, ...shared.value, logger }),
    report,
    close: async () => {
      await Promise.allSettled([opened.close(), shared.close()]);
    },
  };
}
