import { join } from "node:path";

import { loadConfig as loadIdentityConfig } from "@platform/api";
import { repoRoot } from "@platform/db";
import { describe, expect, it } from "vitest";

import { ConfigError, defaultIdentityUrl, developmentJwtSecret, loadConfig } from "./config.js";

const secret = "a-secret-of-the-identity-service-0123456789";

/** The problems a configuration is refused for (fails the test if it is accepted). */
function problemsOf(env: Record<string, string>, options: Parameters<typeof loadConfig>[1] = {}): string[] {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("loadConfig: development with nothing configured", () => {
  const config = loadConfig({});

  it("listens on 3002, keeps its data in .data-notes (not the identity's .data), asks the identity on :3001", () => {
    expect(config).toMatchObject({
      env: "development",
      host: "127.0.0.1",
      port: 3002,
      portVariable: "PORT",
      database: { kind: "embedded", dataDir: join(repoRoot, ".data-notes") },
      redis: undefined,
      identityUrl: defaultIdentityUrl,
      corsOrigin: true,
      warnings: [],
    });
    expect(defaultIdentityUrl).toBe("http://127.0.0.1:3001/trpc");
  });

  it("checks tokens with the identity's development secret, and says so", () => {
    expect(config.tokens).toEqual({
      kind: "secret",
      secret: developmentJwtSecret,
      issuer: "my-platform",
      audience: "my-platform",
      isDevelopmentSecret: true,
    });
  });
});

describe("loadConfig: the port", () => {
  it("is PORT on its own, whatever NOTES_PORT says", () => {
    expect(loadConfig({ PORT: "4100", NOTES_PORT: "4200" }).port).toBe(4100);
  });

  it("is NOTES_PORT beside the identity (root pnpm dev), whatever PORT (the identity's) says", () => {
    const config = loadConfig({ PORT: "4100", NOTES_PORT: "4200" }, { portVariable: "NOTES_PORT" });
    expect(config).toMatchObject({ port: 4200, portVariable: "NOTES_PORT" });
    expect(loadConfig({ PORT: "4100" }, { portVariable: "NOTES_PORT" }).port).toBe(3002);
  });

  it("names the variable it read in a refusal", () => {
    expect(problemsOf({ NOTES_PORT: "http" }, { portVariable: "NOTES_PORT" })).toEqual([
      "NOTES_PORT must be a port number (0–65535), got 'http'",
    ]);
  });
});

describe("loadConfig: services and tokens", () => {
  it("reads the database, the registry, the identity and the token settings", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://app@db:5432/platform",
      REDIS_URL: "redis://cache:6379",
      IDENTITY_URL: "https://id.example/trpc",
      JWT_SECRET: secret,
      JWT_ISSUER: "issuer",
      JWT_AUDIENCE: "audience",
      CORS_ORIGIN: "https://a.example, https://b.example",
    });
    expect(config).toMatchObject({
      database: { kind: "server", url: "postgres://app@db:5432/platform" },
      redis: { kind: "redis", url: "redis://cache:6379" },
      identityUrl: "https://id.example/trpc",
      tokens: { kind: "secret", secret, issuer: "issuer", audience: "audience", isDevelopmentSecret: false },
      corsOrigin: ["https://a.example", "https://b.example"],
    });
  });

  it("checks tokens with the identity's public keys when AUTH_JWKS_URL is set (and holds no secret)", () => {
    const config = loadConfig({ AUTH_JWKS_URL: "https://id.example/.well-known/jwks.json" });
    expect(config.tokens).toEqual({
      kind: "jwks",
      jwksUrl: "https://id.example/.well-known/jwks.json",
      issuer: "my-platform",
      audience: "my-platform",
    });
  });

  it("with AUTH_JWKS_URL and JWT_SECRET both set (one .env for the identity and notes), uses the keys and says so", () => {
    const config = loadConfig({ AUTH_JWKS_URL: "https://id.example/jwks.json", JWT_SECRET: secret });
    expect(config.tokens.kind).toBe("jwks");
    expect(config.warnings).toEqual([
      expect.stringMatching(/^AUTH_JWKS_URL is set, so JWT_SECRET is not used/) as string,
    ]);
  });

  it("lists every bad value at once, naming each variable, without echoing a secret or a password", () => {
    const problems = problemsOf({
      DATABASE_URL: "mysql://app:hunter2@db/platform",
      REDIS_URL: "localhost:6379",
      JWT_SECRET: "short-secret",
      IDENTITY_URL: "ftp://id.example",
      LOG_LEVEL: "loud",
    });
    expect(problems).toEqual([
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'mysql://app:***@db/platform'",
      "REDIS_URL must be a redis:// or rediss:// URL, got 'localhost:6379'",
      "JWT_SECRET must be at least 32 bytes (the identity's JWT_SECRET), got 12 bytes",
      "IDENTITY_URL must be a http:// or https:// URL, got 'ftp://id.example'",
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'",
    ]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("takes a blank value as unset", () => {
    expect(loadConfig({ DATABASE_URL: " ", JWT_SECRET: "", NOTES_DATA_DIR: "" }).database.kind).toBe("embedded");
  });
});

describe("loadConfig: REDIS_CLUSTER_NODES, read by the identity's own rule", () => {
  const seeds = "10.0.0.1:6379, 10.0.0.2:6379,10.0.0.3:6380";
  /** What the identity says of the same variables (its config test covers the rule case by case). */
  function identityProblemsOf(env: Record<string, string>): string[] {
    try {
      loadIdentityConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error("the identity accepted the configuration");
  }

  it("reads the registry from a Redis Cluster's seeds, each a URL (credentials and TLS as the identity takes them)", () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: seeds }).redis).toEqual({
      kind: "redis-cluster",
      nodes: ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379", "redis://10.0.0.3:6380"],
    });
    const withUser = ["rediss://notes:s3cret@10.0.0.1:6379", "rediss://notes:s3cret@10.0.0.2:6379"];
    expect(loadConfig({ REDIS_CLUSTER_NODES: withUser.join(",") }).redis).toEqual({
      kind: "redis-cluster",
      nodes: withUser,
    });
  });

  it.each([
    ["beside REDIS_URL: one or the other", { REDIS_URL: "redis://cache:6379", REDIS_CLUSTER_NODES: seeds }],
    ["with no seed", { REDIS_CLUSTER_NODES: "," }],
    ["with a database number", { REDIS_CLUSTER_NODES: "redis://10.0.0.1:6379/2" }],
    ["with seeds of different credentials", { REDIS_CLUSTER_NODES: "redis://:one@10.0.0.1:6379,10.0.0.2:6379" }],
  ])("refuses it %s, in the identity's words, never showing a password", (_, env) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems).toEqual(identityProblemsOf(env));
    expect(problems.join("\n")).not.toContain("one@");
  });

  it("names both variables in the conflict", () => {
    expect(problemsOf({ REDIS_URL: "redis://cache:6379", REDIS_CLUSTER_NODES: seeds })).toEqual([
      "REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a Redis Cluster, not both",
    ]);
  });
});

describe("loadConfig: production refuses the development stand-ins", () => {
  const production = {
    NODE_ENV: "production",
    DATABASE_URL: "postgres://app@db/platform",
    IDENTITY_URL: "https://id.example/trpc",
  };

  it("requires IDENTITY_URL, over https:// unless ALLOW_HTTP_IDENTITY=1 says the network is trusted", () => {
    const { IDENTITY_URL: _, ...withoutIdentity } = production;
    expect(problemsOf({ ...withoutIdentity, JWT_SECRET: secret })).toEqual([
      expect.stringMatching(/^IDENTITY_URL is required in production/) as string,
    ]);
    const plain = { ...production, IDENTITY_URL: "http://identity-a:3001/trpc" };
    expect(problemsOf({ ...plain, JWT_SECRET: secret })).toEqual([
      expect.stringMatching(/^IDENTITY_URL must be https:\/\/ in production/) as string,
    ]);
    const trusted = {
      ...plain,
      AUTH_JWKS_URL: "http://identity-a:3001/.well-known/jwks.json",
      ALLOW_HTTP_IDENTITY: "1",
    };
    expect(loadConfig(trusted).identityUrl).toBe("http://identity-a:3001/trpc");
    expect(loadConfig({ ...production, IDENTITY_URL: "http://127.0.0.1:3001/trpc", JWT_SECRET: secret }).env).toBe(
      "production",
    );
  });

  it("without AUTH_JWKS_URL or JWT_SECRET, DATABASE_URL and IDENTITY_URL: every problem at once", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual([
      expect.stringMatching(/^AUTH_JWKS_URL .* or JWT_SECRET .* is required in production/) as string,
      expect.stringMatching(/^IDENTITY_URL is required in production/) as string,
      expect.stringMatching(/^DATABASE_URL is required in production/) as string,
    ]);
  });

  it("with the secret beside AUTH_JWKS_URL: on an EdDSA platform a specialist holds none", () => {
    expect(problemsOf({ ...production, AUTH_JWKS_URL: "https://id.example/jwks.json", JWT_SECRET: secret })).toEqual([
      expect.stringMatching(/^JWT_SECRET must not be set beside AUTH_JWKS_URL in production/) as string,
    ]);
  });

  it("with the development secret", () => {
    expect(problemsOf({ ...production, JWT_SECRET: developmentJwtSecret })).toEqual([
      "JWT_SECRET is the development default, which production refuses: set the identity's own",
    ]);
  });

  it("with keys fetched over plain HTTP from another machine", () => {
    expect(problemsOf({ ...production, AUTH_JWKS_URL: "http://id.internal/.well-known/jwks.json" })).toEqual([
      expect.stringMatching(/^AUTH_JWKS_URL must be https:\/\/ in production/) as string,
    ]);
    const local = loadConfig({ ...production, AUTH_JWKS_URL: "http://127.0.0.1:3001/.well-known/jwks.json" });
    expect(local.tokens.kind).toBe("jwks");
  });

  it("accepts the embedded database only when ALLOW_EMBEDDED says so", () => {
    const config = loadConfig({ ...production, DATABASE_URL: "", JWT_SECRET: secret, ALLOW_EMBEDDED: "1" });
    expect(config.database.kind).toBe("embedded");
  });

  it("accepts a real configuration, with no browser origins unless CORS_ORIGIN names them", () => {
    const config = loadConfig({ ...production, JWT_SECRET: secret });
    expect(config).toMatchObject({ env: "production", corsOrigin: false });
  });
});
