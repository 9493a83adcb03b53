// The only module that reads the environment. Everything is parsed and validated once, at
// start-up; every problem is reported at once, each naming its variable. No secret has a
// production default: with NODE_ENV=production a missing, short or development JWT_SECRET stops
// the process before it listens.
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
  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default("my-platform"),
  JWT_AUDIENCE: z.string().min(1).default("my-platform"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CORS_ORIGIN: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ADMIN_EMAIL: z.email().default("admin@example.com"),
  ADMIN_PASSWORD: z.string().min(8).max(128).default("correct-horse-battery-staple"),
});

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwt: { secret: string; issuer: string; audience: string; isDevelopmentSecret: boolean };
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
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
  if (problems.length > 0) throw new ConfigError(problems);

  const corsOrigin = vars.CORS_ORIGIN?.trim();
  return {
    env: vars.NODE_ENV,
    host: vars.HOST,
    port: vars.PORT,
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    jwt: {
      secret: secret!,
      issuer: vars.JWT_ISSUER,
      audience: vars.JWT_AUDIENCE,
      isDevelopmentSecret: secret === developmentJwtSecret,
    },
    accessTokenTtlSeconds: vars.ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlSeconds: vars.SESSION_TTL_DAYS * 24 * 60 * 60,
    corsOrigin: corsOrigin ? corsOrigin.split(",").map((o) => o.trim()) : !isProduction,
    logLevel: vars.LOG_LEVEL,
    admin: { email: vars.ADMIN_EMAIL.trim().toLowerCase(), password: vars.ADMIN_PASSWORD },
  };
}
