// Opens what the configuration names and assembles the notes app's dependencies:
//   database  the notes schema of a PostgreSQL server (DATABASE_URL), or an embedded database of
//             its own in NOTES_DATA_DIR (default .data-notes/, apart from the identity's .data/)
//   auth      the identity's tokens (its JWKS, or the shared secret), the shared registry in Redis
//             (REDIS_URL, or a Redis Cluster: REDIS_CLUSTER_NODES) and, for what the registry does
//             not know, the identity service itself
// The embedded database is always migrated on start; a server is migrated on start in development
// (and created if it does not exist yet, as the identity does), and with `pnpm db:migrate`
// elsewhere. `close()` closes everything opened here.
import {
  createDatabaseHint,
  createLogger,
  describeRedisTarget,
  isMissingDatabase,
  type Logger,
  openRedisTarget,
  redactUrl,
  StartupError,
  summarizeDatabaseError,
} from "@platform/api/server-kit";
import {
  type AuthDeps,
  createHmacTokenVerifier,
  createJwksTokenVerifier,
  createSpecialistDeps,
  type RedisConnection,
  type TokenVerifier,
} from "@platform/auth";
import { createDatabase, databaseNameOf, startEmbeddedPostgres } from "@platform/db";

import type { NotesConfig } from "./config.js";
import type { NotesDeps } from "./deps.js";
import { createNotesPrisma, migrateNotes, type NotesPrisma } from "./notes-database.js";
import { notesDatabaseUrl } from "./notes-database-url.js";

export interface OpenedDeps {
  deps: NotesDeps;
  /** Human-readable lines for the start-up banner: what is in use and where. */
  report: string[];
  close(): Promise<void>;
}

interface OpenedDatabase {
  prisma: NotesPrisma;
  description: string;
  close(): Promise<void>;
}

const migrationReport = (applied: string[]) =>
  applied.length ? `notes migrations applied: ${applied.join(", ")}` : "notes migrations: up to date";

async function openServerDatabase(config: NotesConfig, serverUrl: string, report: string[]): Promise<OpenedDatabase> {
  const url = notesDatabaseUrl(serverUrl);
  const prisma = createNotesPrisma({ url });
  try {
    await prisma.$queryRaw`SELECT 1`.catch(async (error: unknown) => {
      if (!isMissingDatabase(error)) throw error;
      const name = databaseNameOf(url);
      if (config.env !== "development") throw new StartupError(createDatabaseHint(url, name), { cause: error });
      await createDatabase(url);
      report.push(`database created: ${name} (it did not exist; created in development only)`);
      await prisma.$queryRaw`SELECT 1`;
    });
    if (config.env === "development") report.push(migrationReport(await migrateNotes(url)));
  } catch (error) {
    await prisma.$disconnect();
    const reason = error instanceof StartupError ? error.message : summarizeDatabaseError(error);
    throw new StartupError(`Cannot use PostgreSQL at DATABASE_URL=${redactUrl(serverUrl)}: ${reason}`, {
      cause: error instanceof StartupError ? error.cause : error,
    });
  }
  return {
    prisma,
    description: `PostgreSQL at ${redactUrl(serverUrl)}, schema notes`,
    close: () => prisma.$disconnect(),
  };
}

async function openEmbeddedDatabase(dataDir: string, report: string[]): Promise<OpenedDatabase> {
  const embedded = await startEmbeddedPostgres({ dataDir }).catch((error: unknown) => {
    throw new StartupError((error as Error).message, { cause: error });
  });
  try {
    report.push(migrationReport(await migrateNotes(embedded.url)));
  } catch (error) {
    await embedded.stop();
    throw new StartupError(`Cannot migrate the embedded database in ${dataDir}: ${summarizeDatabaseError(error)}`, {
      cause: error,
    });
  }
  const prisma = createNotesPrisma({ url: embedded.url, poolMax: embedded.poolMax, timeouts: embedded.timeouts });
  return {
    prisma,
    description: `embedded PostgreSQL (PGlite), data in ${dataDir}${embedded.isNew ? " (new)" : ""}; one process only, set DATABASE_URL for a server`,
    close: async () => {
      await prisma.$disconnect();
      await embedded.stop();
    },
  };
}

/**
 * What authenticates a call: the identity's tokens checked here, the session asked of the shared
 * registry (read only), and what the registry does not know asked of the identity service
 * (IDENTITY_URL, `auth.session`); without Redis, the identity answers every call. The one place
 * that decides it (createSpecialistDeps does the work); the rest of the app sees AuthDeps.
 * `registry.close()` closes `redis`.
 */
export function createNotesAuth(
  config: NotesConfig,
  redis: RedisConnection | undefined,
  options: { keyPrefix?: string | undefined; now?: () => Date } = {},
): AuthDeps {
  const { now } = options;
  const { issuer, audience } = config.tokens;
  const tokens: TokenVerifier =
    config.tokens.kind === "jwks"
      ? // the identity's public keys: nothing here can mint a token; the JWKS away is a 503
        createJwksTokenVerifier({ jwksUrl: config.tokens.jwksUrl, issuer, audience, now })
      : // the shared secret of an HS256 platform: checked, never used to sign here
        createHmacTokenVerifier({ secret: config.tokens.secret, issuer, audience, now });
  return createSpecialistDeps({ tokens, redis, identityUrl: config.identityUrl, keyPrefix: options.keyPrefix });
}

function describeAuth(config: NotesConfig): string[] {
  const tokens =
    config.tokens.kind === "jwks"
      ? `tokens: checked with the identity's keys at ${redactUrl(config.tokens.jwksUrl)}`
      : `tokens: checked with ${config.tokens.isDevelopmentSecret ? "the development JWT_SECRET" : "JWT_SECRET"} (HS256)`;
  const registry = config.redis
    ? `session registry: ${describeRedisTarget(config.redis)} (shared with the identity; misses asked of ${config.identityUrl})`
    : `session registry: none (set REDIS_URL or REDIS_CLUSTER_NODES to share the identity's); every call is asked of ${config.identityUrl}`;
  return [tokens, registry];
}

export async function openDeps(config: NotesConfig, logger: Logger = createLogger(config)): Promise<OpenedDeps> {
  const report: string[] = [];
  const redis = config.redis ? await openRedisTarget(config.redis, logger) : undefined;
  let auth: AuthDeps;
  let database: OpenedDatabase | undefined;
  try {
    auth = createNotesAuth(config, redis);
  } catch (error) {
    redis?.disconnect();
    throw error;
  }
  try {
    database =
      config.database.kind === "server"
        ? await openServerDatabase(config, config.database.url, report)
        : await openEmbeddedDatabase(config.database.dataDir, report);
  } catch (error) {
    await auth.registry.close(); // closes the Redis connection
    throw error;
  }
  report.unshift(`database: ${database.description}`, ...describeAuth(config));
  const opened = database;
  return {
    deps: { ...auth, config, prisma: opened.prisma, logger },
    report,
    close: async () => {
      await Promise.allSettled([opened.close(), auth.registry.close()]);
    },
  };
}
