// A complete API on a database and a registry of its own: what each test file starts with.
// Real services when DATABASE_URL / REDIS_URL are set; embedded Postgres and the in-process
// registry otherwise (the same code paths, see @platform/db/testing and @platform/auth/testing).
import { hashPassword, type RequestInfo } from "@platform/auth";
import { createTestRegistry } from "@platform/auth/testing";
import { createTestDatabase } from "@platform/db/testing";

import { createCaller } from "../caller.js";
import { type Config, loadConfig } from "../config.js";
import { type ApiDeps, createDeps } from "../deps.js";
import { createSilentLogger } from "../logger.js";

export const testJwtSecret = "test-secret-for-the-api-tests-0123456789";

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", JWT_SECRET: testJwtSecret, ...env });
}

export interface TestHarness {
  deps: ApiDeps;
  /** A caller with no token, or with `Authorization: Bearer <token>`. */
  caller(token?: string): ReturnType<typeof createCaller>;
  /** A caller with exactly these request details (headers, IP). */
  callerWith(request: RequestInfo): ReturnType<typeof createCaller>;
  /** Deps on the same database and registry with these variables too, and sign-in counts of their own. */
  withConfig(env: Record<string, string>): ApiDeps;
  /** Empties the registry, as a Redis restart without persistence would. */
  forgetRegistry(): Promise<void>;
  createUser(user: {
    email: string;
    password: string;
    roles?: string[];
    name?: string;
  }): Promise<{ id: string; email: string }>;
  /** Signs in and returns the access token. */
  signIn(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestHarness(env: Record<string, string> = {}): Promise<TestHarness> {
  const [database, registry] = await Promise.all([createTestDatabase(), createTestRegistry()]);
  let configurations = 0;
  /** Deps on this database and registry with this configuration, and sign-in counts of their own. */
  const depsFor = (config: Config) => {
    const counts = `limits${configurations++}`;
    return createDeps({
      config,
      prisma: database.prisma,
      registry: registry.registry,
      signInLimiters: {
        account: registry.createRateLimiter({ name: `${counts}:account`, ...config.signInLimits.account }),
        ip: registry.createRateLimiter({ name: `${counts}:ip`, ...config.signInLimits.ip }),
      },
      // tests that read log lines pass their own (test-support/capture-logs.ts)
      logger: createSilentLogger(),
    });
  };
  const deps = depsFor(testConfig(env));
  const caller = (token?: string) => createCaller(deps, token ? { authorization: `Bearer ${token}` } : {});
  return {
    deps,
    caller,
    callerWith: (request) => createCaller(deps, request),
    withConfig: (overrides) => depsFor(testConfig({ ...env, ...overrides })),
    forgetRegistry: () => registry.forgetAll(),
    async createUser({ email, password, roles = ["user"], name = email.split("@")[0] ?? email }) {
      return deps.prisma.user.create({
        data: { email, name, roles, passwordHash: await hashPassword(password) },
        select: { id: true, email: true },
      });
    },
    async signIn(email, password) {
      return (await caller().auth.signIn({ email, password })).token;
    },
    async close() {
      await Promise.all([database.drop(), registry.cleanup()]);
    },
  };
}
