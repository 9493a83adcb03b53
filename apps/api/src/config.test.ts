import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { defaultRateLimitPolicy } from "@platform/auth";
import { createTestEd25519Key } from "@platform/auth/testing";
import { repoRoot } from "@platform/db";
import { describe, expect, it } from "vitest";

import { ConfigError, developmentJwtSecret, loadConfig } from "./config.js";
import { testJwtSecret } from "./test-support/harness.js";

const strongSecret = "q7Vd2mXr9KpL4tWz8NcB1hFy6GsJ0eUa3RkPoTiY";
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
      jwt: {
        secret: developmentJwtSecret,
        issuer: "my-platform",
        audience: "my-platform",
        isDevelopmentSecret: true,
        accessTokens: { algorithm: "HS256" },
      },
      accessTokenTtlSeconds: 900,
      sessionTtlSeconds: 30 * 86_400,
      refreshReuseGraceSeconds: 5,
      sessionSweepIntervalMinutes: 60,
      maxSessionsPerUser: 20,
      trustProxy: false,
      refreshCookie: "off",
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
      expect.stringMatching(
        /^REDIS_URL is required in production \(or REDIS_CLUSTER_NODES .*\): .*would not reach the others.*SESSION_STORE=memory/,
      ),
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
    [{ REFRESH_COOKIE: "true" }, "REFRESH_COOKIE must be one of off, on, got 'true'"],
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

  it.each([
    ["one character repeated", "s".repeat(48), "1 distinct character, 1 distinct 3-character run"],
    ["a word repeated", "changeme".repeat(4), "7 distinct characters, 8 distinct 3-character runs"],
    [
      "a word repeated, one character added",
      `${"changeme".repeat(4)}!`,
      "8 distinct characters, 9 distinct 3-character runs",
    ],
    ["16 characters twice", "0123456789abcdef".repeat(2), "16 distinct characters, 16 distinct 3-character runs"],
  ])("in production, a predictable JWT_SECRET (%s) is refused, without echoing it", (_, secret, counted) => {
    const problems = problemsOf({ ...production, JWT_SECRET: secret });
    expect(problems).toEqual([
      `JWT_SECRET must be random (at least 8 distinct characters and 20 distinct 3-character runs; e.g. openssl rand -base64 48), got ${counted}`,
    ]);
    expect(problems.join("\n")).not.toContain(secret.slice(0, 8));
  });

  it("a predictable JWT_SECRET is only a warning outside production", () => {
    const config = loadConfig({ JWT_SECRET: "s".repeat(48) });
    expect(config.jwt.secret).toBe("s".repeat(48));
    expect(config.warnings).toEqual([
      "JWT_SECRET is predictable (1 distinct character, 1 distinct 3-character run): production refuses it; use random bytes, e.g. openssl rand -base64 48",
    ]);
  });

  it.each([
    ["openssl rand -base64 48", randomBytes(48).toString("base64")],
    ["openssl rand -hex 16 (the shortest random secret accepted)", randomBytes(16).toString("hex")],
    ["a passphrase", "correct horse battery staple sunny"],
    ["the test suites' secret", testJwtSecret],
  ])("a random JWT_SECRET (%s) is accepted in production, with no warning", (_, secret) => {
    expect(problemsOf({ ...production, JWT_SECRET: secret })).toEqual([]);
    expect(loadConfig({ JWT_SECRET: secret }).warnings).toEqual([]);
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

  it("REFRESH_COOKIE: off unless turned on, in every environment", () => {
    expect(loadConfig({}).refreshCookie).toBe("off");
    expect(loadConfig(production).refreshCookie).toBe("off");
    expect(loadConfig({ REFRESH_COOKIE: "on" }).refreshCookie).toBe("on");
    expect(loadConfig({ REFRESH_COOKIE: "off" }).refreshCookie).toBe("off");
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
      expect.stringMatching(
        /^REDIS_URL is required in production \(or REDIS_CLUSTER_NODES .*\): .*would not reach the others.*SESSION_STORE=memory/,
      ),
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
    expect(problemsOf({ SESSION_STORE: "redis" })).toEqual([
      "REDIS_URL (or REDIS_CLUSTER_NODES) is required when SESSION_STORE=redis",
    ]);
    expect(loadConfig({ SESSION_STORE: "memory", REDIS_URL: productionServices.REDIS_URL }).registry).toEqual({
      kind: "memory",
    });
  });
});

describe("EdDSA access tokens (JWT_ALGORITHM, JWT_PRIVATE_KEY, JWT_ADDITIONAL_PUBLIC_KEYS)", () => {
  const current = createTestEd25519Key();
  const previous = createTestEd25519Key();
  const next = createTestEd25519Key();
  const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  const eddsa = { JWT_ALGORITHM: "EdDSA", JWT_PRIVATE_KEY: current.privatePem };
  const privateKeyExpected =
    "JWT_PRIVATE_KEY must be the PKCS#8 PEM of an Ed25519 private key (openssl genpkey -algorithm ed25519 -out jwt-key.pem)";
  const publicKeysExpected =
    "JWT_ADDITIONAL_PUBLIC_KEYS must be Ed25519 public keys as SPKI PEMs, one after the other (openssl pkey -in old-key.pem -pubout)";
  /** The base64 lines of a PEM: key material no message may show. */
  const materialOf = (pem: string) => pem.split("\n").filter((line) => line && !line.startsWith("-----"));

  it("signs with the private key and publishes the additional public keys", () => {
    const { accessTokens } = loadConfig({
      ...eddsa,
      JWT_ADDITIONAL_PUBLIC_KEYS: `${previous.publicPem}${next.publicPem}`,
    }).jwt;
    expect(accessTokens.algorithm).toBe("EdDSA");
    if (accessTokens.algorithm !== "EdDSA") return;
    expect(accessTokens.keys.privateKey.equals(current.privateKey)).toBe(true);
    expect(accessTokens.keys.additionalPublicKeys.map((key) => key.equals(previous.publicKey))).toEqual([true, false]);
    expect(accessTokens.keys.additionalPublicKeys[1]?.equals(next.publicKey)).toBe(true);
  });

  it("needs no additional keys, and takes a PEM whose line breaks are written out (\\n)", () => {
    const oneLine = current.privatePem.replace(/\n/g, "\\n");
    expect(loadConfig({ ...eddsa, JWT_PRIVATE_KEY: oneLine }).jwt.accessTokens).toMatchObject({
      algorithm: "EdDSA",
      keys: { additionalPublicKeys: [] },
    });
  });

  it.each([
    [{ JWT_ALGORITHM: "RS256" }, "JWT_ALGORITHM must be one of HS256, EdDSA, got 'RS256'"],
    [
      { JWT_ALGORITHM: "EdDSA" },
      "JWT_PRIVATE_KEY is required when JWT_ALGORITHM=EdDSA (openssl genpkey -algorithm ed25519 -out jwt-key.pem)",
    ],
    [{ ...eddsa, JWT_PRIVATE_KEY: rsaPem }, `${privateKeyExpected}, got a private key of type 'rsa'`],
    [{ ...eddsa, JWT_PRIVATE_KEY: current.publicPem }, `${privateKeyExpected}, got a PEM block labelled 'PUBLIC KEY'`],
    [
      { ...eddsa, JWT_PRIVATE_KEY: "hunter2-key" },
      `${privateKeyExpected}, got text that is not a PEM key (11 characters)`,
    ],
    [
      { ...eddsa, JWT_ADDITIONAL_PUBLIC_KEYS: `${previous.publicPem}${previous.privatePem}` },
      `${publicKeysExpected}, got a private key (block 2 of 2): only public keys belong here`,
    ],
    [
      { JWT_PRIVATE_KEY: current.privatePem },
      "JWT_PRIVATE_KEY is set, but JWT_ALGORITHM is HS256, which does not use it: set JWT_ALGORITHM=EdDSA",
    ],
    [
      { JWT_ALGORITHM: "HS256", JWT_ADDITIONAL_PUBLIC_KEYS: previous.publicPem },
      "JWT_ADDITIONAL_PUBLIC_KEYS is set, but JWT_ALGORITHM is HS256, which does not use it: set JWT_ALGORITHM=EdDSA",
    ],
  ])("%j reads: %s", (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it("never echoes a key, whatever is wrong with it", () => {
    const message = refusalOf({
      JWT_ALGORITHM: "EdDSA",
      JWT_PRIVATE_KEY: rsaPem,
      JWT_ADDITIONAL_PUBLIC_KEYS: current.privatePem,
    })?.message;
    expect(message).toContain("JWT_PRIVATE_KEY must be");
    expect(message).toContain("JWT_ADDITIONAL_PUBLIC_KEYS must be");
    for (const line of [...materialOf(rsaPem), ...materialOf(current.privatePem)]) expect(message).not.toContain(line);
  });

  it("in production, still needs JWT_SECRET (it keys the refresh and device tokens), and says so", () => {
    expect(problemsOf({ NODE_ENV: "production", ...productionServices, ...eddsa })).toEqual([
      "JWT_SECRET is required in production (at least 32 random bytes; with EdDSA too, for the refresh and device tokens)",
    ]);
    expect(loadConfig({ ...production, ...eddsa }).jwt).toMatchObject({
      secret: strongSecret,
      accessTokens: { algorithm: "EdDSA" },
    });
  });
});

describe("REDIS_CLUSTER_NODES", () => {
  const seeds = "10.0.0.1:6379, 10.0.0.2:6379,10.0.0.3:6380";

  it("selects a Redis Cluster: each seed a URL, SESSION_STORE redis by default, production satisfied", () => {
    const expected = {
      kind: "redis-cluster",
      nodes: ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379", "redis://10.0.0.3:6380"],
    };
    expect(loadConfig({ REDIS_CLUSTER_NODES: seeds }).registry).toEqual(expected);
    const { REDIS_URL: _, ...withoutRedisUrl } = production;
    expect(loadConfig({ ...withoutRedisUrl, REDIS_CLUSTER_NODES: seeds }).registry).toEqual(expected);
    expect(loadConfig({ SESSION_STORE: "memory", REDIS_CLUSTER_NODES: seeds }).registry).toEqual({ kind: "memory" });
  });

  it("takes credentials and TLS as URLs, the same on every seed", () => {
    const nodes = ["rediss://app:s3cret@10.0.0.1:6379", "rediss://app:s3cret@10.0.0.2:6379"];
    expect(loadConfig({ REDIS_CLUSTER_NODES: nodes.join(",") }).registry).toEqual({ kind: "redis-cluster", nodes });
  });

  it("refuses it next to REDIS_URL: one or the other", () => {
    expect(problemsOf({ REDIS_URL: "redis://cache:6379", REDIS_CLUSTER_NODES: seeds })).toEqual([
      "REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a Redis Cluster, not both",
    ]);
  });

  const expected =
    "REDIS_CLUSTER_NODES must be comma-separated host:port seeds of a Redis Cluster (or redis:// / rediss:// URLs, all with the same credentials and scheme), got";
  it.each([
    [",", `${expected} ','`],
    ["http://10.0.0.1:6379", `${expected} 'http://10.0.0.1:6379'`],
    ["redis://10.0.0.1:6379/2", `${expected} 'redis://10.0.0.1:6379/2'`],
    ["redis://:one@10.0.0.1:6379,10.0.0.2:6379", `${expected} 'redis://:***@10.0.0.1:6379,10.0.0.2:6379'`],
    [
      "redis://:one@10.0.0.1:6379,redis://:two@10.0.0.2:6379",
      `${expected} 'redis://:***@10.0.0.1:6379,redis://:***@10.0.0.2:6379'`,
    ],
    ["redis://10.0.0.1:6379,rediss://10.0.0.2:6379", `${expected} 'redis://10.0.0.1:6379,rediss://10.0.0.2:6379'`],
  ])("refuses %s, never showing a password", (given, problem) => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: given })).toEqual([problem]);
  });
});

describe("unknown variables that look like ours", () => {
  const warningsOf = (env: Record<string, string>) => loadConfig(env).warnings;

  it.each([
    ["CORS_ORIGINS", "CORS_ORIGINS is not a setting of this service and is ignored: did you mean CORS_ORIGIN?"],
    ["cors_origin", "cors_origin is not a setting of this service and is ignored: did you mean CORS_ORIGIN?"],
    ["JWT_SECERT", "JWT_SECERT is not a setting of this service and is ignored: did you mean JWT_SECRET?"],
    ["LOGLEVEL", "LOGLEVEL is not a setting of this service and is ignored: did you mean LOG_LEVEL?"],
    ["POTR", "POTR is not a setting of this service and is ignored: did you mean PORT?"],
    // two known names within reach (REDIS_PORT 2 edits away, REDIS_URL 1): the nearer one
    ["REDIS_PURL", "REDIS_PURL is not a setting of this service and is ignored: did you mean REDIS_URL?"],
    [
      "SESSION_TTL_DAY",
      "SESSION_TTL_DAY is not a setting of this service and is ignored: did you mean SESSION_TTL_DAYS?",
    ],
    [
      "JWT_EXPIRES_IN",
      "JWT_EXPIRES_IN is not a setting of this service and is ignored (the JWT_ settings are JWT_ADDITIONAL_PUBLIC_KEYS, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER, JWT_PRIVATE_KEY, JWT_SECRET)",
    ],
    [
      "REDIS_PASSWORD",
      "REDIS_PASSWORD is not a setting of this service and is ignored (the REDIS_ settings are REDIS_CLUSTER_NODES, REDIS_PORT, REDIS_URL)",
    ],
  ])("%s is a warning naming it, never its value; the start goes on", (name, warning) => {
    const env = { [name]: "hunter2-value" };
    expect(warningsOf(env)).toEqual([warning]);
    expect(warningsOf(env).join("\n")).not.toContain("hunter2");
  });

  it("is silent about the documented variables and about what other programs set", () => {
    const env = Object.fromEntries(
      [
        // ours, and those of the Prisma CLI and docker compose
        ...["PORT", "HOST", "CORS_ORIGIN", "NODE_ENV", "REDIS_PORT", "POSTGRES_PORT", "SHADOW_DATABASE_URL"],
        ...["PRISMA_SCHEMA_ENGINE_BINARY", "SIGN_IN_MAX_DELAY_MINUTES", "SESSION_STORE"],
        // a shell, Node, pnpm, a container
        ...["HOME", "PATH", "PWD", "HOSTNAME", "NODE_OPTIONS", "NODE_VERSION", "TERM", "USER", "LANG"],
        ...["INIT_CWD", "PNPM_HOME", "npm_config_user_agent", "TZ", "CI", "POSTGRES_PASSWORD"],
        // Kubernetes service links of services named redis and database
        ...["REDIS_SERVICE_HOST", "REDIS_SERVICE_PORT", "REDIS_PORT_6379_TCP", "REDIS_PORT_6379_TCP_ADDR"],
        ...["DATABASE_SERVICE_PORT_POSTGRES", "DATABASE_PORT_5432_TCP_PROTO"],
      ].map((name) => [name, name === "PORT" ? "3001" : name === "NODE_ENV" ? "test" : "x"]),
    );
    env.REDIS_PORT = "6379";
    env.CORS_ORIGIN = "https://app.example";
    env.SESSION_STORE = "memory";
    env.SIGN_IN_MAX_DELAY_MINUTES = "5";
    expect(warningsOf(env)).toEqual([]);
  });

  it("lists every look-alike, one warning each, next to a refusal if there is one", () => {
    expect(warningsOf({ CORS_ORIGINS: "x", JWT_SECRETS: "y" })).toHaveLength(2);
    expect(refusalOf({ PORT: "eighty", CORS_ORIGINS: "x" })?.problems).toEqual([
      "PORT must be a port number (0–65535), got 'eighty'",
    ]);
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
