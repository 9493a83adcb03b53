// The notes app on a database of its own, beside a test identity (@platform/api/testing): users
// sign in on the identity and call notes with the tokens they got, through the real auth
// middleware and the session registry the identity writes (the same registry object in-process,
// or the same Redis keys), so a sign-out or a role change on the identity reaches notes as it
// would in production.
import { createSilentLogger } from "@platform/api/server-kit";
import { type TestHarness, testJwtSecret } from "@platform/api/testing";
import { createSessionCache, createTokenService, type RequestInfo } from "@platform/auth";

import { createCaller } from "../caller.js";
import { loadConfig, type NotesConfig } from "../config.js";
import type { NotesDeps } from "../deps.js";
import { createNotesTestDatabase, type NotesTestDatabase } from "./test-database.js";

export function testNotesConfig(env: Record<string, string> = {}): NotesConfig {
  return loadConfig({ NODE_ENV: "test", JWT_SECRET: testJwtSecret, ...env });
}

export interface NotesHarness {
  deps: NotesDeps;
  database: NotesTestDatabase;
  /** A caller with no token, or with `Authorization: Bearer <token>`. */
  caller: (token?: string) => ReturnType<typeof createCaller>;
  callerWith: (request: RequestInfo) => ReturnType<typeof createCaller>;
  close: () => Promise<void>;
}

/** Notes' deps beside the identity `identity`: its tokens, its registry, its clock. */
export function createNotesTestDeps(identity: TestHarness, database: NotesTestDatabase): NotesDeps {
  const config = testNotesConfig();
  if (config.tokens.kind !== "secret") throw new Error("the test configuration is an HS256 platform");
  const tokens = createTokenService({ ...config.tokens, accessTokenTtlSeconds: 1, now: identity.clock.now });
  const { registry } = identity.deps;
  return {
    config,
    prisma: database.prisma,
    logger: createSilentLogger(),
    tokens,
    registry,
    loadSession: () => Promise.resolve(null),
    sessionCache: createSessionCache(registry),
  };
}

export async function createNotesHarness(identity: TestHarness): Promise<NotesHarness> {
  const database = await createNotesTestDatabase();
  const deps = createNotesTestDeps(identity, database);
  return {
    deps,
    database,
    caller: (token) => createCaller(deps, token ? { authorization: `Bearer ${token}` } : {}),
    callerWith: (request) => createCaller(deps, request),
    close: () => database.drop(),
  };
}
