import { describe, expect, it } from "vitest";
import { ConfigError, developmentJwtSecret, loadConfig } from "./config.js";

const strongSecret = "s".repeat(48);
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
      databaseUrl: undefined,
      redisUrl: undefined,
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
    expect(problemsOf({ NODE_ENV: "production", ...env })).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
  });

  it("a short JWT_SECRET is refused in development too", () => {
    expect(problemsOf({ JWT_SECRET: "short" })).toEqual([expect.stringMatching(/^JWT_SECRET: must be at least 32 bytes/)]);
  });

  it("accepts a strong secret in production", () => {
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: strongSecret }).jwt.isDevelopmentSecret).toBe(false);
  });

  it("lists every bad variable at once, each by name", () => {
    const problems = problemsOf({ PORT: "eighty", DATABASE_URL: "mysql://x", REDIS_URL: "nope", NODE_ENV: "staging" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["DATABASE_URL", "NODE_ENV", "PORT", "REDIS_URL"]);
  });

  it("treats empty URLs as unset and lower-cases the admin email", () => {
    const config = loadConfig({ DATABASE_URL: "", REDIS_URL: " ", ADMIN_EMAIL: "Root@Example.COM" });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.admin.email).toBe("root@example.com");
  });

  it("CORS: any origin in development, none in production unless listed", () => {
    expect(loadConfig({}).corsOrigin).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: strongSecret }).corsOrigin).toBe(false);
    expect(loadConfig({ CORS_ORIGIN: "https://a.example, https://b.example" }).corsOrigin).toEqual(["https://a.example", "https://b.example"]);
  });
});
