// A complete API on a database and a registry of its own: what each test file starts with.
// Real services when DATABASE_URL / REDIS_URL are set; embedded Postgres and the in-process
// registry otherwise (the same code paths, see @platform/db/testing and @platform/auth/testing).
// A harness whose `env` has REDIS_CLUSTER_NODES keeps its registry on that Redis Cluster.
// Time is the harness's clock (`h.clock`), which every part of the API reads through `deps.now`;
// Postgres's own `now()` (column defaults such as created_at) and Redis TTLs stay on real time.
import { randomUUID } from "node:crypto";

import { hashPassword, type RateLimitPolicy, type RequestInfo } from "@platform/auth";
import { createTestClock, createTestRegistry, type TestClock } from "@platform/auth/testing";
import { createTestDatabase } from "@platform/db/testing";

import { createCaller } from "../caller.js";
import { type Config, loadConfig } from "../config.js";
import { type ApiDeps, createDeps } from "../deps.js";
import { createSilentLogger } from "../logger.js";

export const testJwtSecret = "test-secret-for-the-api-tests-0123456789";

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", JWT_SECRET: testJwtSecret, ...env });
}

/** An email no other test uses: `<label>-<uuid>@example.com`. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID()}@example.com`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/**
 * The refresh token of an answer in body mode (what in-process callers always get), or an error:
 * the output type says `refreshToken?` because an HTTP request may ask for the refresh cookie.
 */
export function bodyRefreshToken(refreshToken: string | undefined): string {
  if (refreshToken === undefined) throw new Error("no refreshToken in the body: was the refresh cookie asked for?");
  return refreshToken;
}

/** What signs a test user in: `auth.signIn(credentialsOf(user))`. */
export function credentialsOf({ email, password }: { email: string; password: string }) {
  return { email, password };
}

export interface NewTestUser {
  /** Default: a unique email. */
  email?: string;
  /** Default: one that passes the password policy. */
  password?: string;
  /** Default: ["user"]. */
  roles?: string[];
  /** Default: the email's local part. */
  name?: string;
}

export interface TestHarness {
  deps: ApiDeps;
  /**
   * The API's clock: real time until a test advances it (access tokens, sessions, refresh grace,
   * the in-process registry and rate limiters follow it). useTestHarness resets it after each
   * test; a file that creates its harness itself does so with `afterEach(() => h.clock.reset())`.
   */
  clock: TestClock;
  /** A caller with no token, or with `Authorization: Bearer <token>`. */
  caller: (token?: string) => ReturnType<typeof createCaller>;
  /** A caller with exactly these request details (headers, IP). */
  callerWith: (request: RequestInfo) => ReturnType<typeof createCaller>;
  /** Deps on the same database, registry and clock with these variables too, and sign-in counts of their own. */
  withConfig: (env: Record<string, string>) => ApiDeps;
  /**
   * Deps on the same database, registry and clock whose sign-in limiters (counts of their own)
   * take this policy over the configuration's: e.g. `{ baseDelayMs: 60_000 }`, so that a block a
   * test earns cannot end while the test runs on a busy machine (Redis keeps real time).
   */
  withSignInPolicy: (policy: Partial<RateLimitPolicy>) => ApiDeps;
  /** Empties the registry, as a Redis restart without persistence would. */
  forgetRegistry: () => Promise<void>;
  /** In Redis: the prefix of the registry's keys; undefined for the in-process registry. */
  registryKeyPrefix: string | undefined;
  /** A user in the database (not signed in). */
  createUser: (user?: NewTestUser) => Promise<TestUser>;
  /** A new user, signed in once: the tokens of that session. */
  createSignedInUser: (user?: NewTestUser) => Promise<TestUser & { token: string; refreshToken: string }>;
  /** Signs in and returns the access token. */
  signIn: (email: string, password: string) => Promise<string>;
  /** The session a refresh token belongs to (it throws for a token that is not authentic). */
  sessionIdOf: (refreshToken: string | undefined) => string;
  close: () => Promise<void>;
}

export async function createTestHarness(env: Record<string, string> = {}): Promise<TestHarness> {
  const clock = createTestClock();
  const [database, registry] = await Promise.all([
    createTestDatabase(),
    createTestRegistry({ now: clock.now, clusterNodes: env.REDIS_CLUSTER_NODES }),
  ]);
  let configurations = 0;
  /** Deps on this database and registry with this configuration, and sign-in counts of their own. */
  const depsFor = (config: Config, policy: Partial<RateLimitPolicy> = {}) => {
    const counts = `limits${configurations++}`;
    const { account, ip } = config.signInLimits;
    return createDeps({
      config,
      prisma: database.prisma,
      registry: registry.registry,
      signInLimiters: {
        account: registry.createRateLimiter({ name: `${counts}:account`, ...account, ...policy }),
        ip: registry.createRateLimiter({ name: `${counts}:ip`, ...ip, ...policy }),
        known: registry.createRateLimiter({ name: `${counts}:known`, ...account, ...policy }),
      },
      now: clock.now,
      // tests that read log lines pass their own (test-support/capture-logs.ts)
      logger: createSilentLogger(),
    });
  };
  const deps = depsFor(testConfig(env));
  const caller = (token?: string) => createCaller(deps, token ? { authorization: `Bearer ${token}` } : {});
  const signIn = async (email: string, password: string) => (await caller().auth.signIn({ email, password })).token;
  const createUser = async ({
    email = uniqueEmail(),
    password = "a test passphrase",
    roles = ["user"],
    name = email.split("@")[0] ?? email,
  }: NewTestUser = {}): Promise<TestUser> => {
    const user = await deps.prisma.user.create({
      data: { email, name, roles, passwordHash: await hashPassword(password) },
      select: { id: true, email: true },
    });
    return { ...user, password };
  };
  return {
    deps,
    clock,
    caller,
    callerWith: (request) => createCaller(deps, request),
    withConfig: (overrides) => depsFor(testConfig({ ...env, ...overrides })),
    withSignInPolicy: (policy) => depsFor(testConfig(env), policy),
    forgetRegistry: () => registry.forgetAll(),
    registryKeyPrefix: registry.keyPrefix,
    createUser,
    async createSignedInUser(user) {
      const created = await createUser(user);
      const { token, refreshToken } = await caller().auth.signIn(credentialsOf(created));
      return { ...created, token, refreshToken: bodyRefreshToken(refreshToken) };
    },
    signIn,
    sessionIdOf(refreshToken) {
      const presented = deps.refreshTokens.read(bodyRefreshToken(refreshToken));
      if (!presented) throw new Error(`not an authentic refresh token: ${refreshToken}`);
      return presented.sessionId;
    },
    async close() {
      await Promise.all([database.drop(), registry.cleanup()]);
    },
  };
}
