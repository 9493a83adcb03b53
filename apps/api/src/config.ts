// The only module that reads the environment. Everything is parsed and validated once, at
// start-up; every problem is reported at once, each naming its variable. No secret has a
// production default: with NODE_ENV=production a missing, short or development JWT_SECRET stops
// the process before it listens.
import { resolve } from "node:path";

import type { RateLimitPolicy } from "@platform/auth";
import { repoRoot } from "@platform/db";
import { z } from "zod";

export const developmentJwtSecret = "development-only-secret-do-not-use-in-production!";

const minimumSecretBytes = 32;

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .pipe(
      z
        .url({ protocol: new RegExp(`^(${protocols.join("|")})$`), error: `must be a ${protocols[0]}:// URL` })
        .optional(),
    );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  REDIS_URL: optionalUrl(["redis", "rediss"]),
  DATA_DIR: z.string().trim().min(1).optional(),
  ALLOW_EMBEDDED: z.enum(["0", "1", "true", "false"]).optional(),
  SESSION_STORE: z.enum(["redis", "memory"]).optional(),
  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default("my-platform"),
  JWT_AUDIENCE: z.string().min(1).default("my-platform"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  SESSION_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(60),
  CORS_ORIGIN: z.string().optional(),
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(
      /^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+)$/,
      "must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs",
    )
    .optional(),
  SIGN_IN_ACCOUNT_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  SIGN_IN_IP_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(100_000).default(50),
  SIGN_IN_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  SIGN_IN_MAX_DELAY_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ADMIN_EMAIL: z.email().default("admin@example.com"),
  ADMIN_PASSWORD: z.string().min(8).max(128).default("correct-horse-battery-staple"),
});

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  /** A PostgreSQL server, or the embedded database (PGlite) with its data in `dataDir`. */
  database: { kind: "server"; url: string } | { kind: "embedded"; dataDir: string };
  /** Redis (shared by every instance), or this process's memory (one instance only). */
  registry: { kind: "redis"; url: string } | { kind: "memory" };
  jwt: { secret: string; issuer: string; audience: string; isDevelopmentSecret: boolean };
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  /** A spent refresh token replayed within this many seconds gets the same result (two tabs), not a revocation. */
  refreshReuseGraceSeconds: number;
  /** How often expired sessions are deleted (0: never, e.g. when a cron job does it). */
  sessionSweepIntervalMinutes: number;
  /** Whose X-Forwarded-For to believe for the client IP: nobody (false), N hops, or these proxies. */
  trustProxy: boolean | number | string[];
  /** Sign-in back-off, per account (normalised email) and per client IP. */
  signInLimits: {
    account: RateLimitPolicy;
    ip: RateLimitPolicy;
  };
  /** true: reflect any origin (development); a list: only those; false: no CORS headers. */
  corsOrigin: true | false | string[];
  logLevel: string;
  admin: { email: string; password: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const vars = parsed.data;
  const isProduction = vars.NODE_ENV === "production";
  const problems: string[] = [];

  const secret = vars.JWT_SECRET ?? (isProduction ? undefined : developmentJwtSecret);
  if (!secret) problems.push("JWT_SECRET: required in production (at least 32 random bytes)");
  else if (Buffer.byteLength(secret) < minimumSecretBytes) {
    problems.push(`JWT_SECRET: must be at least ${minimumSecretBytes} bytes (got ${Buffer.byteLength(secret)})`);
  } else if (isProduction && secret === developmentJwtSecret) {
    problems.push("JWT_SECRET: the development default cannot be used in production");
  }

  const allowEmbedded = vars.ALLOW_EMBEDDED === "1" || vars.ALLOW_EMBEDDED === "true";
  if (isProduction && !vars.DATABASE_URL && !allowEmbedded) {
    problems.push(
      "DATABASE_URL: required in production. The embedded database serves a single process and is meant for development; set ALLOW_EMBEDDED=1 to use it anyway.",
    );
  }
  const sessionStore = vars.SESSION_STORE ?? (vars.REDIS_URL ? "redis" : "memory");
  if (sessionStore === "redis" && !vars.REDIS_URL) problems.push("REDIS_URL: required when SESSION_STORE=redis");
  if (isProduction && sessionStore === "memory" && vars.SESSION_STORE !== "memory") {
    problems.push(
      "REDIS_URL: required in production. Without it sessions live in this process only, so a sign-out or role change on one instance would not reach the others; set SESSION_STORE=memory to accept that for a single instance.",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const corsOrigin = vars.CORS_ORIGIN?.trim();
  const trustProxy = vars.TRUST_PROXY ?? "false";
  const limitWindow = {
    windowMs: vars.SIGN_IN_LIMIT_WINDOW_MINUTES * 60_000,
    baseDelayMs: 1000,
    maxDelayMs: vars.SIGN_IN_MAX_DELAY_MINUTES * 60_000,
  };
  return {
    env: vars.NODE_ENV,
    host: vars.HOST,
    port: vars.PORT,
    database: vars.DATABASE_URL
      ? { kind: "server", url: vars.DATABASE_URL }
      : { kind: "embedded", dataDir: resolve(repoRoot, vars.DATA_DIR ?? ".data") },
    registry: sessionStore === "redis" && vars.REDIS_URL ? { kind: "redis", url: vars.REDIS_URL } : { kind: "memory" },
    jwt: {
      secret: secret!,
      issuer: vars.JWT_ISSUER,
      audience: vars.JWT_AUDIENCE,
      isDevelopmentSecret: secret === developmentJwtSecret,
    },
    accessTokenTtlSeconds: vars.ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlSeconds: vars.SESSION_TTL_DAYS * 24 * 60 * 60,
    refreshReuseGraceSeconds: vars.REFRESH_REUSE_GRACE_SECONDS,
    sessionSweepIntervalMinutes: vars.SESSION_SWEEP_INTERVAL_MINUTES,
    corsOrigin: corsOrigin ? corsOrigin.split(",").map((o) => o.trim()) : !isProduction,
    trustProxy: /^(true|false)$/.test(trustProxy)
      ? trustProxy === "true"
      : /^\d+$/.test(trustProxy)
        ? Number(trustProxy)
        : trustProxy
            .split(",")
            .map((address) => address.trim())
            .filter(Boolean),
    signInLimits: {
      account: { freeAttempts: vars.SIGN_IN_ACCOUNT_FREE_ATTEMPTS, ...limitWindow },
      ip: { freeAttempts: vars.SIGN_IN_IP_FREE_ATTEMPTS, ...limitWindow },
    },
    logLevel: vars.LOG_LEVEL,
    admin: { email: vars.ADMIN_EMAIL.trim().toLowerCase(), password: vars.ADMIN_PASSWORD },
  };
}
