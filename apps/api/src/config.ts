// The only module that reads the environment. Everything is parsed and validated once, at
// start-up, in one pass: each variable on its own, then the rules between them (production
// refuses the development stand-ins), so one failed start lists every problem. Each problem names
// its variable, what it must be and what it got; a secret is shown by its length only and a URL
// without its password. A blank value counts as unset. No secret has a production default: with
// NODE_ENV=production a missing, short, predictable or development JWT_SECRET stops the process
// before it listens (predictable is only a warning elsewhere). Warnings, which never stop a start,
// also name variables that look like ours but are not (a misspelt CORS_ORIGINS would otherwise be
// silently ignored); they name variables only, never values.
//
// Access tokens are HS256 with JWT_SECRET by default. JWT_ALGORITHM=EdDSA signs them with
// JWT_PRIVATE_KEY (an Ed25519 key, shown in a refusal by its PEM label or key type, never its
// content) so that the platform's other apps verify them with public keys only; JWT_SECRET is still
// required in production then, because it also keys the refresh and device tokens (deps.ts).
import type { KeyObject } from "node:crypto";
import { resolve } from "node:path";

import {
  defaultRateLimitPolicy,
  type Ed25519SigningKeys,
  type KeyReading,
  type RateLimitPolicy,
  readEd25519PrivateKey,
  readEd25519PublicKeys,
} from "@platform/auth";
import { repoRoot } from "@platform/db";
import { z } from "zod";

import {
  anyText,
  ConfigError,
  createReader,
  oneOf,
  portNumber,
  readRedisTarget,
  type RedisTarget,
  requireServerDatabaseInProduction,
  type Rule,
  trimmedText,
  urlOf,
  wholeNumber,
} from "./config-reader.js";

export { ConfigError };

export const developmentJwtSecret = "development-only-secret-do-not-use-in-production!";
/** The admin's password when ADMIN_PASSWORD is unset: printed by `pnpm dev`, refused by `pnpm db:seed` in production. */
export const developmentAdminPassword = "correct-horse-battery-staple";

const minimumSecretBytes = 32;
/** Many honest users can share one address (an office, a mobile carrier), so an IP gets more than an account. */
const defaultIpFreeAttempts = 50;
const minutes = (ms: number) => ms / 60_000;

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  /** A PostgreSQL server, or the embedded database (PGlite) with its data in `dataDir`. */
  database: { kind: "server"; url: string } | { kind: "embedded"; dataDir: string };
  /** Redis or a Redis Cluster (shared by every instance), or this process's memory (one instance only). */
  registry: RedisTarget | { kind: "memory" };
  jwt: {
    /** Keys the refresh and device tokens always, and the access tokens with HS256. */
    secret: string;
    issuer: string;
    audience: string;
    isDevelopmentSecret: boolean;
    /** What signs access tokens: JWT_SECRET (HS256), or an Ed25519 key whose public keys are published (EdDSA). */
    accessTokens: { algorithm: "HS256" } | { algorithm: "EdDSA"; keys: Ed25519SigningKeys };
  };
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  /** A spent refresh token replayed within this many seconds gets the same result (two tabs), not a revocation. */
  refreshReuseGraceSeconds: number;
  /** How often expired sessions are deleted (0: never, e.g. when a cron job does it). */
  sessionSweepIntervalMinutes: number;
  /** Live sessions one user may have; a sign-in beyond it revokes the oldest. */
  maxSessionsPerUser: number;
  /** Whose X-Forwarded-For to believe for the client IP: nobody (false), N hops, or these proxies. */
  trustProxy: boolean | number | string[];
  /** Sign-in back-off, per account (normalised email) and per client IP. */
  signInLimits: {
    account: RateLimitPolicy;
    ip: RateLimitPolicy;
  };
  /** true: reflect any origin (development); a list: only those; false: no CORS headers. */
  corsOrigin: true | false | string[];
  /**
   * "on": a browser that asks (header `x-refresh-token: cookie`) gets its refresh token in an
   * httpOnly cookie instead of the response body (refresh-cookie.ts); "off": always in the body.
   */
  refreshCookie: "off" | "on";
  logLevel: string;
  /** The account `pnpm dev` and `pnpm db:seed` create; `isDefaultPassword` when ADMIN_PASSWORD is unset. */
  admin: { email: string; password: string; isDefaultPassword: boolean };
  /** What is accepted but probably a mistake, for the logger at start-up (names, never values). */
  warnings: string[];
}

/** A secret must be random, not merely long: at least this many distinct characters and 3-character runs. */
const minimumSecretVariety = { characters: 8, runs: 20 };
const randomSecretHint = "e.g. openssl rand -base64 48";
const jwtSecretRule: Rule<string> = {
  schema: z.string().refine((secret) => Buffer.byteLength(secret) >= minimumSecretBytes),
  expected: `at least ${minimumSecretBytes} bytes`,
  show: (secret) => `${Buffer.byteLength(secret)} bytes`,
};
const adminPasswordRule: Rule<string> = {
  schema: z.string().min(8).max(128),
  expected: "8 to 128 characters",
  show: (password) => `${password.length} characters`,
};
/** A key read from PEM text; a refusal shows what the text held (a PEM label, a key type), never the key. */
const pemKeys = <T>(read: (text: string) => KeyReading<T>, expected: string): Rule<T> => ({
  schema: z.string().transform((text, context) => {
    const reading = read(text);
    if (reading.ok) return reading.key;
    context.addIssue({ code: "custom", message: reading.got });
    return z.NEVER;
  }),
  expected,
  show: (text) => {
    const reading = read(text);
    return reading.ok ? "a key" : reading.got;
  },
});
const generateKeyHint = "openssl genpkey -algorithm ed25519 -out jwt-key.pem";
const jwtPrivateKeyRule: Rule<KeyObject> = pemKeys(
  readEd25519PrivateKey,
  `the PKCS#8 PEM of an Ed25519 private key (${generateKeyHint})`,
);
const jwtPublicKeysRule: Rule<KeyObject[]> = pemKeys(
  readEd25519PublicKeys,
  "Ed25519 public keys as SPKI PEMs, one after the other (openssl pkey -in old-key.pem -pubout)",
);
const emailAddress: Rule<string> = { schema: z.email(), expected: "an email address" };
const trustProxyRule: Rule<string> = {
  schema: z
    .string()
    .trim()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+)$/),
  expected: "true, false, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs",
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const reader = createReader(env);
  const { read, isRefused, problems, names } = reader;
  const vars = {
    nodeEnv: read("NODE_ENV", oneOf(["development", "production", "test"])) ?? "development",
    host: read("HOST", anyText) ?? "127.0.0.1",
    port: read("PORT", portNumber) ?? 3001,
    databaseUrl: read("DATABASE_URL", urlOf(["postgres", "postgresql"])),
    redis: readRedisTarget(reader), // REDIS_URL or REDIS_CLUSTER_NODES
    dataDir: read("DATA_DIR", trimmedText) ?? ".data",
    allowEmbedded: read("ALLOW_EMBEDDED", oneOf(["1", "true", "0", "false"])),
    sessionStore: read("SESSION_STORE", oneOf(["redis", "memory"])),
    jwtSecret: read("JWT_SECRET", jwtSecretRule),
    jwtIssuer: read("JWT_ISSUER", anyText) ?? "my-platform",
    jwtAudience: read("JWT_AUDIENCE", anyText) ?? "my-platform",
    jwtAlgorithm: read("JWT_ALGORITHM", oneOf(["HS256", "EdDSA"])) ?? "HS256",
    jwtPrivateKey: read("JWT_PRIVATE_KEY", jwtPrivateKeyRule),
    jwtAdditionalPublicKeys: read("JWT_ADDITIONAL_PUBLIC_KEYS", jwtPublicKeysRule),
    accessTokenTtlSeconds: read("ACCESS_TOKEN_TTL_SECONDS", wholeNumber(30, 86_400)) ?? 900,
    sessionTtlDays: read("SESSION_TTL_DAYS", wholeNumber(1, 365)) ?? 30,
    refreshReuseGraceSeconds: read("REFRESH_REUSE_GRACE_SECONDS", wholeNumber(0, 60)) ?? 5,
    sessionSweepIntervalMinutes: read("SESSION_SWEEP_INTERVAL_MINUTES", wholeNumber(0, 1440)) ?? 60,
    maxSessionsPerUser: read("MAX_SESSIONS_PER_USER", wholeNumber(1, 1000)) ?? 20,
    corsOrigin: read("CORS_ORIGIN", trimmedText),
    refreshCookie: read("REFRESH_COOKIE", oneOf(["off", "on"])) ?? "off",
    trustProxy: read("TRUST_PROXY", trustProxyRule) ?? "false",
    accountFreeAttempts:
      read("SIGN_IN_ACCOUNT_FREE_ATTEMPTS", wholeNumber(1, 1000)) ?? defaultRateLimitPolicy.freeAttempts,
    ipFreeAttempts: read("SIGN_IN_IP_FREE_ATTEMPTS", wholeNumber(1, 100_000)) ?? defaultIpFreeAttempts,
    limitWindowMinutes:
      read("SIGN_IN_LIMIT_WINDOW_MINUTES", wholeNumber(1, 1440)) ?? minutes(defaultRateLimitPolicy.windowMs),
    maxDelayMinutes:
      read("SIGN_IN_MAX_DELAY_MINUTES", wholeNumber(1, 1440)) ?? minutes(defaultRateLimitPolicy.maxDelayMs),
    logLevel: read("LOG_LEVEL", oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"])) ?? "info",
    adminEmail: read("ADMIN_EMAIL", emailAddress) ?? "admin@example.com",
    adminPassword: read("ADMIN_PASSWORD", adminPasswordRule),
  };

  const warnings = lookAlikeWarnings(env, names);

  // Rules between variables, in the same pass. When NODE_ENV itself was refused, production's
  // rules are skipped: its own problem is already listed.
  const isProduction = vars.nodeEnv === "production";
  const predictable = vars.jwtSecret === undefined ? undefined : describePredictableSecret(vars.jwtSecret);
  const isEdDSA = vars.jwtAlgorithm === "EdDSA";
  if (isProduction && !isRefused("JWT_SECRET")) {
    if (vars.jwtSecret === undefined) {
      const alsoWithEdDSA = isEdDSA ? "; with EdDSA too, for the refresh and device tokens" : "";
      problems.push(
        `JWT_SECRET is required in production (at least ${minimumSecretBytes} random bytes${alsoWithEdDSA})`,
      );
    } else if (vars.jwtSecret === developmentJwtSecret) {
      problems.push("JWT_SECRET is the development default, which production refuses: set one of your own");
    } else if (predictable) {
      const { characters, runs } = minimumSecretVariety;
      problems.push(
        `JWT_SECRET must be random (at least ${characters} distinct characters and ${runs} distinct 3-character runs; ${randomSecretHint}), got ${predictable}`,
      );
    }
  } else if (predictable) {
    warnings.push(
      `JWT_SECRET is predictable (${predictable}): production refuses it; use random bytes, ${randomSecretHint}`,
    );
  }
  if (isEdDSA && vars.jwtPrivateKey === undefined && !isRefused("JWT_PRIVATE_KEY")) {
    problems.push(`JWT_PRIVATE_KEY is required when JWT_ALGORITHM=EdDSA (${generateKeyHint})`);
  }
  if (!isEdDSA && !isRefused("JWT_ALGORITHM")) {
    // a key that signs nothing: most likely JWT_ALGORITHM=EdDSA was forgotten, and the other apps
    // would find no key in the JWKS
    const unused = { JWT_PRIVATE_KEY: vars.jwtPrivateKey, JWT_ADDITIONAL_PUBLIC_KEYS: vars.jwtAdditionalPublicKeys };
    for (const [name, value] of Object.entries(unused)) {
      if (value !== undefined) {
        problems.push(`${name} is set, but JWT_ALGORITHM is HS256, which does not use it: set JWT_ALGORITHM=EdDSA`);
      }
    }
  }
  requireServerDatabaseInProduction(reader, { isProduction, ...vars });
  const hasRedis = vars.redis !== undefined;
  const sessionStore = vars.sessionStore ?? (hasRedis ? "redis" : "memory");
  // both set is refused by readRedisTarget
  if (!isRefused("REDIS_URL", "REDIS_CLUSTER_NODES", "SESSION_STORE")) {
    if (sessionStore === "redis" && !hasRedis) {
      problems.push("REDIS_URL (or REDIS_CLUSTER_NODES) is required when SESSION_STORE=redis");
    } else if (isProduction && sessionStore === "memory" && vars.sessionStore !== "memory") {
      problems.push(
        "REDIS_URL is required in production (or REDIS_CLUSTER_NODES for a Redis Cluster): without it sessions live in this process only, so a sign-out or role change on one instance would not reach the others; set SESSION_STORE=memory to accept that for a single instance",
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const jwtSecret = vars.jwtSecret ?? developmentJwtSecret;
  const limitWindow = {
    windowMs: vars.limitWindowMinutes * 60_000,
    baseDelayMs: defaultRateLimitPolicy.baseDelayMs,
    maxDelayMs: vars.maxDelayMinutes * 60_000,
  };
  return {
    env: vars.nodeEnv,
    host: vars.host,
    port: vars.port,
    database: vars.databaseUrl
      ? { kind: "server", url: vars.databaseUrl }
      : { kind: "embedded", dataDir: resolve(repoRoot, vars.dataDir) },
    registry: sessionStore === "memory" || !vars.redis ? { kind: "memory" } : vars.redis,
    jwt: {
      secret: jwtSecret,
      issuer: vars.jwtIssuer,
      audience: vars.jwtAudience,
      isDevelopmentSecret: jwtSecret === developmentJwtSecret,
      accessTokens:
        isEdDSA && vars.jwtPrivateKey
          ? {
              algorithm: "EdDSA",
              keys: { privateKey: vars.jwtPrivateKey, additionalPublicKeys: vars.jwtAdditionalPublicKeys ?? [] },
            }
          : { algorithm: "HS256" },
    },
    accessTokenTtlSeconds: vars.accessTokenTtlSeconds,
    sessionTtlSeconds: vars.sessionTtlDays * 24 * 60 * 60,
    refreshReuseGraceSeconds: vars.refreshReuseGraceSeconds,
    sessionSweepIntervalMinutes: vars.sessionSweepIntervalMinutes,
    maxSessionsPerUser: vars.maxSessionsPerUser,
    corsOrigin: vars.corsOrigin ? vars.corsOrigin.split(",").map((origin) => origin.trim()) : !isProduction,
    refreshCookie: vars.refreshCookie,
    trustProxy: parseTrustProxy(vars.trustProxy),
    signInLimits: {
      account: { freeAttempts: vars.accountFreeAttempts, ...limitWindow },
      ip: { freeAttempts: vars.ipFreeAttempts, ...limitWindow },
    },
    logLevel: vars.logLevel,
    admin: {
      email: vars.adminEmail.trim().toLowerCase(),
      password: vars.adminPassword ?? developmentAdminPassword,
      isDefaultPassword: vars.adminPassword === undefined,
    },
    warnings,
  };
}

/**
 * Why a secret is predictable (its variety, never its content), or undefined. Not a proof of
 * randomness: it catches the usual mistakes (a character or a word repeated, a short key pasted
 * twice). Random secrets pass with a wide margin: 32 hex characters have about 14 distinct
 * characters and 30 distinct runs.
 */
function describePredictableSecret(secret: string): string | undefined {
  const characters = Array.from(secret); // code points: an emoji is one character
  const distinctCharacters = new Set(characters).size;
  const distinctRuns = new Set(characters.slice(2).map((_, i) => characters.slice(i, i + 3).join(""))).size;
  if (distinctCharacters >= minimumSecretVariety.characters && distinctRuns >= minimumSecretVariety.runs) {
    return undefined;
  }
  const plural = (count: number, noun: string) => `${count} distinct ${noun}${count === 1 ? "" : "s"}`;
  return `${plural(distinctCharacters, "character")}, ${plural(distinctRuns, "3-character run")}`;
}

/** Variables of the Prisma CLI and docker compose, documented with ours: not typos. */
const otherToolsVariables = ["SHADOW_DATABASE_URL", "PRISMA_SCHEMA_ENGINE_BINARY", "POSTGRES_PORT", "REDIS_PORT"];
/** A variable with one of these prefixes is meant for this service. */
const ourPrefixes = ["JWT_", "SIGN_IN_", "SESSION_", "CORS_", "REDIS_", "DATABASE_", "ACCESS_TOKEN_", "REFRESH_"];
/** Kubernetes' service links (REDIS_SERVICE_HOST, REDIS_PORT_6379_TCP_ADDR, …): set for us, not by a person. */
const serviceLink = /_(SERVICE_HOST|SERVICE_PORT(_\w+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;

/**
 * One warning for each variable that is not ours but looks like it: a known variable with other
 * letter case or within a typo or two of its name (one for short names: HOME is not HOST), or one
 * with our prefixes (REDIS_PASSWORD, which REDIS_URL carries instead).
 */
function lookAlikeWarnings(env: NodeJS.ProcessEnv, names: ReadonlySet<string>): string[] {
  const known = [...names, ...otherToolsVariables].sort();
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    const upper = name.toUpperCase();
    if (known.includes(name) || serviceLink.test(upper)) continue;
    const ignored = `${name} is not a setting of this service and is ignored`;
    const [closest] = known
      .map((candidate) => ({ candidate, edits: editDistance(upper, candidate) }))
      .filter(({ candidate, edits }) => edits <= (candidate.length >= 8 ? 2 : 1))
      .sort((a, b) => a.edits - b.edits)
      .map(({ candidate }) => candidate);
    const prefix = ourPrefixes.find((candidate) => upper.startsWith(candidate));
    if (closest) warnings.push(`${ignored}: did you mean ${closest}?`);
    else if (prefix) {
      const settings = known.filter((candidate) => candidate.startsWith(prefix)).join(", ");
      warnings.push(`${ignored} (the ${prefix} settings are ${settings})`);
    }
  }
  return warnings;
}

/** Edits (insertions, deletions, substitutions, swaps of neighbours) that turn one name into the other. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** "true" / "false", a number of hops, or a list of proxy addresses (already checked by its rule). */
function parseTrustProxy(value: string): Config["trustProxy"] {
  if (value === "true" || value === "false") return value === "true";
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(",")
    .map((address) => address.trim())
    .filter(Boolean);
}
