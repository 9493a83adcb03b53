// The notes app on a database of its own, beside a test identity served over HTTP
// (@platform/api/testing): users sign in on the identity and call notes with the tokens they got,
// through the real auth middleware and createSpecialistDeps, as in production: with REDIS_URL (or
// REDIS_CLUSTER_NODES in `env`, beside an identity on that cluster), notes reads the identity's
// registry keys (the test's prefix) on a connection of its own, opened from its configuration as
// production opens it, and asks the identity about misses; without either, the identity answers
// every call.
import { createSilentLogger, openRedisTarget } from "@platform/api/server-kit";
import { testJwtSecret, type TestServer } from "@platform/api/testing";
import type { RequestInfo } from "@platform/auth";

import { createCaller } from "../caller.js";
import { loadConfig, type NotesConfig } from "../config.js";
import type { NotesDeps } from "../deps.js";
import { createNotesAuth } from "../open-deps.js";
import { createNotesTestDatabase, type NotesTestDatabase } from "./test-database.js";

/** An HS256 platform's (the test identity's secret), or with AUTH_JWKS_URL an EdDSA one's (no secret). */
export function testNotesConfig(env: Record<string, string> = {}): NotesConfig {
  return loadConfig({ NODE_ENV: "test", ...(env.AUTH_JWKS_URL ? {} : { JWT_SECRET: testJwtSecret }), ...env });
}

export interface NotesHarness {
  deps: NotesDeps;
  database: NotesTestDatabase;
  /** A caller with no token, or with `Authorization: Bearer <token>`. */
  caller: (token?: string) => ReturnType<typeof createCaller>;
  close: () => Promise<void>;
}

/** Notes' deps beside `identity` (served): its tokens and clock, its registry's keys, its URL; `env` on top. */
export async function createNotesTestDeps(
  identity: TestServer,
  database: NotesTestDatabase,
  env: Record<string, string> = {},
): Promise<NotesDeps> {
  // the identity's registry is on REDIS_URL when it is set (createTestRegistry), unless `env` names a cluster
  const redisUrl = process.env.REDIS_URL?.trim();
  const shared: Record<string, string> = redisUrl && !env.REDIS_CLUSTER_NODES ? { REDIS_URL: redisUrl } : {};
  const config = testNotesConfig({ IDENTITY_URL: identity.url, ...shared, ...env });
  const logger = createSilentLogger();
  const redis = config.redis ? await openRedisTarget(config.redis, logger) : undefined;
  const auth = createNotesAuth(config, redis, { keyPrefix: identity.h.registryKeyPrefix, now: identity.h.clock.now });
  return { ...auth, config, prisma: database.prisma, logger };
}

export async function createNotesHarness(
  identity: TestServer,
  env: Record<string, string> = {},
): Promise<NotesHarness> {
  const database = await createNotesTestDatabase();
  const deps = await createNotesTestDeps(identity, database, env);
  return {
    deps,
    database,
    caller: (token) => createCaller(deps, token ? ({ authorization: `Bearer ${token}` } satisfies RequestInfo) : {}),
    async close() {
      await Promise.all([deps.registry.close(), database.drop()]);
    },
  };
}
