import { readFileSync } from "node:fs";
import { join } from "node:path";

import { defaultRateLimitPolicy } from "@platform/auth";
import { repoRoot } from "@platform/db";
import { describe, expect, it } from "vitest";

import { ConfigError, developmentJwtSecret, loadConfig } from "./config.js";

const strongSecret = "s".repeat(48);
const productionServices = {
  DATABASE_URL: "postgres://db.internal/platform",
  REDIS_URL: "redis://cache.internal:6379",
};
const production = { NODE_ENV: "production", JWT_SECRET: strongSecret, ...productionServices };
const refusalOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  return undefined;
};
const problemsOf = (env: Record<string, string>) => refusalOf(env)?.problems ?? [];

describe("configuration", () => {
  it("has development defaults that match the documented contract", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: "development",
      host: "127.0.0.1",
      port: 3001,
      database: { kind: "embedded", dataDir: join(repoRoot, ".data") },
      registry: { kind: "memory" },
      jwt: { secret: developmentJwtSecret, issuer: "my-platform", audience: "my-platform", isDevelopmentSecret: true },
      accessTokenTtlSeconds: 900,
      sessionTtlSeconds: 30 * 86_400,
      refreshReuseGraceSeconds: 5,
      sessionSweepIntervalMinutes: 60,
      maxSessionsPerUser: 20,
      trustProxy: false,
      logLevel: "info",
      admin: { email: "admin@example.com", password: "correct-horse-battery-staple" },
    });
  });

  it("sign-in limits default to the auth package's policy, with a larger budget per IP", () => {
    expect(loadConfig({}).signInLimits).toEqual({
      account: defaultRateLimitPolicy,
      ip: { ...defaultRateLimitPolicy, freeAttempts: 50 },
    });
    const limits = loadConfig({
      SIGN_IN_ACCOUNT_FREE_ATTEMPTS: "3",
      SIGN_IN_IP_FREE_ATTEMPTS: "500",
      SIGN_IN_LIMIT_WINDOW_MINUTES: "30",
      SIGN_IN_MAX_DELAY_MINUTES: "5",
    }).signInLimits;
    const window = { windowMs: 30 * 60_000, baseDelayMs: defaultRateLimitPolicy.baseDelayMs, maxDelayMs: 5 * 60_000 };
    expect(limits).toEqual({ account: { freeAttempts: 3, ...window }, ip: { freeAttempts: 500, ...window } });
  });

  it("PORT=0 is allowed (any free port: the tests use it)", () => {
    expect(loadConfig({ PORT: "0" }).port).toBe(0);
    expect(loadConfig({ PORT: "65535" }).port).toBe(65_535);
  });

  it("lists every problem of a start at once: bad values and production's refusals together", () => {
    expect(problemsOf({ NODE_ENV: "production", PORT: "eighty" })).toEqual([
      "PORT must be a port number (0–65535), got 'eighty'",
      "JWT_SECRET is required in production (at least 32 random bytes)",
      expect.stringMatching(/^DATABASE_URL is required in production: .*single process.*ALLOW_EMBEDDED=1/),
      expect.stringMatching(/^REDIS_URL is required in production: .*would not reach the others.*SESSION_STORE=memory/),
    ]);
    expect(
      problemsOf({
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
        REDIS_URL: "nope",
        NODE_ENV: "staging",
        LOG_LEVEL: "loud",
        ADMIN_EMAIL: "root",
        JWT_SECRET: "short",
      }),
    ).toHaveLength(7);
  });

  it.each([
    [{ PORT: "eighty" }, "PORT must be a port number (0–65535), got 'eighty'"],
    [{ PORT: "65536" }, "PORT must be a port number (0–65535), got '65536'"],
    [{ PORT: "-1" }, "PORT must be a port number (0–65535), got '-1'"],
    [{ ACCESS_TOKEN_TTL_SECONDS: "29" }, "ACCESS_TOKEN_TTL_SECONDS must be a whole number from 30 to 86400, got '29'"],
    [{ SESSION_TTL_DAYS: "1.5" }, "SESSION_TTL_DAYS must be a whole number from 1 to 365, got '1.5'"],
    [
      { REFRESH_REUSE_GRACE_SECONDS: "61" },
      "REFRESH_REUSE_GRACE_SECONDS must be a whole number from 0 to 60, got '61'",
    ],
    [{ MAX_SESSIONS_PER_USER: "0" }, "MAX_SESSIONS_PER_USER must be a whole number from 1 to 1000, got '0'"],
    [{ SIGN_IN_IP_FREE_ATTEMPTS: "0" }, "SIGN_IN_IP_FREE_ATTEMPTS must be a whole number from 1 to 100000, got '0'"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'"],
    [{ NODE_ENV: "staging" }, "NODE_ENV must be one of development, production, test, got 'staging'"],
    [{ SESSION_STORE: "disk" }, "SESSION_STORE must be one of redis, memory, got 'disk'"],
    [{ ALLOW_EMBEDDED: "yes" }, "ALLOW_EMBEDDED must be one of 1, true, 0, false, got 'yes'"],
    [{ REDIS_URL: "nope" }, "REDIS_URL must be a redis:// or rediss:// URL, got 'nope'"],
    [{ REDIS_URL: "http://cache:6379" }, "REDIS_URL must be a redis:// or rediss:// URL, got 'http://cache:6379'"],
    [{ DATABASE_URL: "mysql://db/x" }, "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'mysql://db/x'"],
    [{ ADMIN_EMAIL: "root" }, "ADMIN_EMAIL must be an email address, got 'root'"],
    [
      { TRUST_PROXY: "everyone" },
      "TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs, got 'everyone'",
    ],
  ])("%j reads: %s", (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it("never echoes a secret: secrets by their length, URLs without their password", () => {
    const env = {
      JWT_SECRET: "hunter2-jwt",
      ADMIN_PASSWORD: "hunter2",
      DATABASE_URL: "mysql://app:hunter2@db/platform",
      REDIS_URL: "redis//:hunter2@cache:6379",
    };
    expect(problemsOf(env)).toEqual([
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'mysql://app:***@db/platform'",
      "REDIS_URL must be a redis:// or rediss:// URL, got 'redis//:***@cache:6379'",
      "JWT_SECRET must be at least 32 bytes, got 11 bytes",
      "ADMIN_PASSWORD must be 8 to 128 characters, got 7 characters",
    ]);
    expect(refusalOf(env)?.message).toMatch(/^Invalid configuration:\n {2}- DATABASE_URL must be/);
    expect(refusalOf(env)?.message).not.toContain("hunter2");
  });

  it.each([
    ["missing", {}, "JWT_SECRET is required in production (at least 32 random bytes)"],
    ["short", { JWT_SECRET: "too-short" }, "JWT_SECRET must be at least 32 bytes, got 9 bytes"],
    [
      "the development default",
      { JWT_SECRET: developmentJwtSecret },
      "JWT_SECRET is the development default, which production refuses: set one of your own",
    ],
  ])("in production, a %s JWT_SECRET is refused with a message naming it", (_, env, message) => {
    expect(problemsOf({ NODE_ENV: "production", ...productionServices, ...env })).toEqual([message]);
  });

  it("a short JWT_SECRET is refused in development too; a strong one is accepted in production", () => {
    expect(problemsOf({ JWT_SECRET: "short" })).toEqual(["JWT_SECRET must be at least 32 bytes, got 5 bytes"]);
    expect(loadConfig(production).jwt).toMatchObject({ secret: strongSecret, isDevelopmentSecret: false });
  });

  it("a refused variable is reported once, not again by the rules that depend on it", () => {
    expect(problemsOf({ SESSION_STORE: "redis", REDIS_URL: "nope" })).toEqual([
      "REDIS_URL must be a redis:// or rediss:// URL, got 'nope'",
    ]);
    expect(problemsOf({ ...production, DATABASE_URL: "mysql://db/x" })).toEqual([
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'mysql://db/x'",
    ]);
  });

  it("treats blank values as unset and lower-cases the admin email", () => {
    const config = loadConfig({ DATABASE_URL: "", REDIS_URL: " ", PORT: "", ADMIN_EMAIL: "Root@Example.COM" });
    expect(config.database.kind).toBe("embedded");
    expect(config.registry.kind).toBe("memory");
    expect(config.port).toBe(3001);
    expect(config.admin.email).toBe("root@example.com");
    expect(problemsOf({ NODE_ENV: "production", ...productionServices, JWT_SECRET: " " })).toEqual([
      "JWT_SECRET is required in production (at least 32 random bytes)",
    ]);
  });

  it("CORS: any origin in development, none in production unless listed", () => {
    expect(loadConfig({}).corsOrigin).toBe(true);
    expect(loadConfig(production).corsOrigin).toBe(false);
    expect(loadConfig({ CORS_ORIGIN: "https://a.example, https://b.example" }).corsOrigin).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });

  it.each([
    ["true", true],
    ["false", false],
    ["2", 2],
    ["10.0.0.0/8, 192.168.1.1", ["10.0.0.0/8", "192.168.1.1"]],
  ])("TRUST_PROXY=%s means %j", (given, trustProxy) => {
    expect(loadConfig({ TRUST_PROXY: given }).trustProxy).toEqual(trustProxy);
  });

  it("uses the real services when their URLs are set", () => {
    expect(loadConfig(productionServices)).toMatchObject({
      database: { kind: "server", url: productionServices.DATABASE_URL },
      registry: { kind: "redis", url: productionServices.REDIS_URL },
    });
  });

  it("DATA_DIR moves the embedded database", () => {
    expect(loadConfig({ DATA_DIR: "/var/lib/identity" }).database).toEqual({
      kind: "embedded",
      dataDir: "/var/lib/identity",
    });
  });

  it("in production, refuses the embedded database and the in-process registry unless explicitly allowed, saying why", () => {
    expect(problemsOf({ NODE_ENV: "production", JWT_SECRET: strongSecret })).toEqual([
      expect.stringMatching(/^DATABASE_URL is required in production: .*single process.*ALLOW_EMBEDDED=1/),
      expect.stringMatching(/^REDIS_URL is required in production: .*would not reach the others.*SESSION_STORE=memory/),
    ]);
    const allowed = loadConfig({
      NODE_ENV: "production",
      JWT_SECRET: strongSecret,
      ALLOW_EMBEDDED: "1",
      SESSION_STORE: "memory",
    });
    expect(allowed.database.kind).toBe("embedded");
    expect(allowed.registry.kind).toBe("memory");
  });

  it("SESSION_STORE=redis needs REDIS_URL; SESSION_STORE=memory ignores it", () => {
    expect(problemsOf({ SESSION_STORE: "redis" })).toEqual(["REDIS_URL is required when SESSION_STORE=redis"]);
    expect(loadConfig({ SESSION_STORE: "memory", REDIS_URL: productionServices.REDIS_URL }).registry).toEqual({
      kind: "memory",
    });
  });
});

describe("the documented variables", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const configurationSection =
    readme.slice(readme.indexOf("\n## Configuration\n")).split(/\n## (?!Configuration)/)[0] ?? "";
  /** The names in the first column of the README's Configuration table. */
  const documented = [...configurationSection.matchAll(/^\| (.+?) \|/gm)]
    .flatMap(([, cell = ""]) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(([, name = ""]) => name))
    .sort();
  const forOtherTools = ["SHADOW_DATABASE_URL", "PRISMA_SCHEMA_ENGINE_BINARY", "POSTGRES_PORT", "REDIS_PORT"];

  it("config.ts reads exactly the README's variables (less those of the Prisma CLI and docker compose)", () => {
    const read = new Set<string>();
    loadConfig(
      new Proxy<NodeJS.ProcessEnv>(
        {},
        {
          get(_, name) {
            if (typeof name === "string") read.add(name);
            return undefined;
          },
        },
      ),
    );
    expect(documented.length).toBeGreaterThan(20);
    expect([...read].sort()).toEqual(documented.filter((name) => !forOtherTools.includes(name)));
  });

  it(".env.example lists every one of them, and nothing else", () => {
    const example = readFileSync(join(repoRoot, ".env.example"), "utf8");
    const listed = [...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]+)=/gm)].map(([, name = ""]) => name);
    expect(listed.sort()).toEqual(documented);
  });
});
