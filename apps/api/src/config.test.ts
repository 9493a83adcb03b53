import { describe, expect, it } from "vitest";

import { ConfigError, developmentJwtSecret, loadConfig } from "./config.js";

const strongSecret = "s".repeat(48);
const productionServices = {
  DATABASE_URL: "postgres://db.internal/platform",
  REDIS_URL: "redis://cache.internal:6379",
};
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe("configuration", () => {
  it("has development defaults that match the documented contract", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: "development",
      port: 3001,
      database: { kind: "embedded", dataDir: expect.stringMatching(/\.data$/) },
      registry: { kind: "memory" },
      jwt: { issuer: "my-platform", audience: "my-platform", isDevelopmentSecret: true },
      accessTokenTtlSeconds: 900,
      sessionTtlSeconds: 30 * 86_400,
      admin: { email: "admin@example.com", password: "correct-horse-battery-staple" },
    });
  });

  it.each([
    ["missing", {}],
    ["short", { JWT_SECRET: "too-short" }],
    ["the development default", { JWT_SECRET: developmentJwtSecret }],
  ])("in production, a %s JWT_SECRET is refused with a message naming it", (_, env) => {
    expect(problemsOf({ NODE_ENV: "production", ...productionServices, ...env })).toEqual([
      expect.stringMatching(/^JWT_SECRET: /),
    ]);
  });

  it("a short JWT_SECRET is refused in development too", () => {
    expect(problemsOf({ JWT_SECRET: "short" })).toEqual([
      expect.stringMatching(/^JWT_SECRET: must be at least 32 bytes/),
    ]);
  });

  it("accepts a strong secret in production", () => {
    expect(
      loadConfig({ NODE_ENV: "production", JWT_SECRET: strongSecret, ...productionServices }).jwt.isDevelopmentSecret,
    ).toBe(false);
  });

  it("lists every bad variable at once, each by name", () => {
    const problems = problemsOf({ PORT: "eighty", DATABASE_URL: "mysql://x", REDIS_URL: "nope", NODE_ENV: "staging" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["DATABASE_URL", "NODE_ENV", "PORT", "REDIS_URL"]);
  });

  it("treats empty URLs as unset and lower-cases the admin email", () => {
    const config = loadConfig({ DATABASE_URL: "", REDIS_URL: " ", ADMIN_EMAIL: "Root@Example.COM" });
    expect(config.database.kind).toBe("embedded");
    expect(config.registry.kind).toBe("memory");
    expect(config.admin.email).toBe("root@example.com");
  });

  it("CORS: any origin in development, none in production unless listed", () => {
    expect(loadConfig({}).corsOrigin).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: strongSecret, ...productionServices }).corsOrigin).toBe(
      false,
    );
    expect(loadConfig({ CORS_ORIGIN: "https://a.example, https://b.example" }).corsOrigin).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
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
    const problems = problemsOf({ NODE_ENV: "production", JWT_SECRET: strongSecret });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL: required in production.*single process.*ALLOW_EMBEDDED=1/),
      expect.stringMatching(/^REDIS_URL: required in production.*would not reach the others.*SESSION_STORE=memory/),
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

  it("SESSION_STORE=redis needs REDIS_URL", () => {
    expect(problemsOf({ SESSION_STORE: "redis" })).toEqual([
      expect.stringMatching(/^REDIS_URL: required when SESSION_STORE=redis/),
    ]);
  });
});
