// The only module of the notes app that reads the environment: every variable is checked once, at
// start-up, in one pass, the identity's way (config-reader, through @platform/api/server-kit): one
// failed start lists every problem, each naming its variable (a secret shown by its length, a URL
// without its password). A blank value counts as unset.
//
// The notes app holds no signing key: it checks the identity's tokens with the identity's public
// keys (AUTH_JWKS_URL, an EdDSA platform) or with the shared secret (JWT_SECRET, an HS256 one).
// Without either, development uses the identity's development secret (so `pnpm dev` works with
// nothing configured); NODE_ENV=production refuses that, as it refuses the embedded database and
// keys fetched over plain HTTP from another machine.
//
// The shared registry's Redis is named as the identity names it (readRedisTarget, one definition
// for both): REDIS_URL for one server, or REDIS_CLUSTER_NODES for a Redis Cluster, not both.
//
// The port: PORT when the app runs on its own; the root `pnpm dev` runs it beside the identity,
// which owns PORT, so there it reads NOTES_PORT (main.ts is told which by --port-variable).
import { resolve } from "node:path";

import {
  anyText,
  ConfigError,
  createReader,
  developmentJwtSecret,
  oneOf,
  portNumber,
  readRedisTarget,
  redactUrl,
  type RedisTarget,
  requireServerDatabaseInProduction,
  type Rule,
  trimmedText,
  urlOf,
} from "@platform/api/server-kit";
import { repoRoot } from "@platform/db";
import { z } from "zod";

export { ConfigError, developmentJwtSecret };

export const defaultNotesPort = 3002;
export const defaultIdentityUrl = "http://127.0.0.1:3001/trpc";
const minimumSecretBytes = 32;

export interface NotesConfig {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  /** The variable the port came from (PORT or NOTES_PORT), for messages. */
  portVariable: PortVariable;
  /** A PostgreSQL server (the notes schema of its database), or an embedded one in `dataDir`. */
  database: { kind: "server"; url: string } | { kind: "embedded"; dataDir: string };
  /** The shared session registry's Redis or Redis Cluster (read only); undefined: the identity answers every call. */
  redis: RedisTarget | undefined;
  /** How the identity's access tokens are checked. */
  tokens:
    | { kind: "jwks"; jwksUrl: string; issuer: string; audience: string }
    | { kind: "secret"; secret: string; issuer: string; audience: string; isDevelopmentSecret: boolean };
  /** The identity service's tRPC endpoint: asked about sessions the registry does not know. */
  identityUrl: string;
  /** true: reflect any origin (development); a list: only those; false: no CORS headers. */
  corsOrigin: true | false | string[];
  logLevel: string;
  /** What is accepted but worth a line at start-up (names, never values). */
  warnings: string[];
}

export type PortVariable = "PORT" | "NOTES_PORT";

const jwtSecretRule: Rule<string> = {
  schema: z.string().refine((secret) => Buffer.byteLength(secret) >= minimumSecretBytes),
  expected: `at least ${minimumSecretBytes} bytes (the identity's JWT_SECRET)`,
  show: (secret) => `${Buffer.byteLength(secret)} bytes`,
};

const isLoopback = (url: string) => ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);

export interface LoadConfigOptions {
  /** Where the port is read from: PORT on its own, NOTES_PORT beside the identity (root `pnpm dev`). */
  portVariable?: PortVariable;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): NotesConfig {
  const portVariable = options.portVariable ?? "PORT";
  const reader = createReader(env);
  const { read, isRefused, problems } = reader;
  const vars = {
    nodeEnv: read("NODE_ENV", oneOf(["development", "production", "test"])) ?? "development",
    host: read("HOST", anyText) ?? "127.0.0.1",
    port: read(portVariable, portNumber) ?? defaultNotesPort,
    databaseUrl: read("DATABASE_URL", urlOf(["postgres", "postgresql"])),
    dataDir: read("NOTES_DATA_DIR", trimmedText) ?? ".data-notes",
    allowEmbedded: read("ALLOW_EMBEDDED", oneOf(["1", "true", "0", "false"])),
    redis: readRedisTarget(reader), // REDIS_URL or REDIS_CLUSTER_NODES
    jwksUrl: read("AUTH_JWKS_URL", urlOf(["http", "https"])),
    jwtSecret: read("JWT_SECRET", jwtSecretRule),
    jwtIssuer: read("JWT_ISSUER", anyText) ?? "my-platform",
    jwtAudience: read("JWT_AUDIENCE", anyText) ?? "my-platform",
    identityUrl: read("IDENTITY_URL", urlOf(["http", "https"])),
    allowHttpIdentity: read("ALLOW_HTTP_IDENTITY", oneOf(["1", "true", "0", "false"])),
    corsOrigin: read("CORS_ORIGIN", trimmedText),
    logLevel: read("LOG_LEVEL", oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"])) ?? "info",
  };

  // Rules between variables, in the same pass; a refused variable has its problem listed already.
  const isProduction = vars.nodeEnv === "production";
  const warnings: string[] = [];
  if (!isRefused("AUTH_JWKS_URL", "JWT_SECRET")) {
    if (vars.jwksUrl !== undefined && vars.jwtSecret !== undefined) {
      // in development one .env serves the identity (which keeps JWT_SECRET for refresh tokens) and notes
      if (isProduction) {
        problems.push(
          "JWT_SECRET must not be set beside AUTH_JWKS_URL in production: on an EdDSA platform a specialist holds no secret",
        );
      } else
        warnings.push("AUTH_JWKS_URL is set, so JWT_SECRET is not used here (production refuses the two together)");
    } else if (isProduction && vars.jwksUrl === undefined && vars.jwtSecret === undefined) {
      problems.push(
        "AUTH_JWKS_URL (the identity's /.well-known/jwks.json) or JWT_SECRET (the identity's, on an HS256 platform) is required in production",
      );
    } else if (isProduction && vars.jwtSecret === developmentJwtSecret) {
      problems.push("JWT_SECRET is the development default, which production refuses: set the identity's own");
    }
  }
  // Over plain HTTP to another host, keys and "this session is live, roles: [admin]" answers can be
  // replaced on the way, and IDENTITY_URL is sent the callers' tokens: production wants TLS, or a
  // deliberate ALLOW_HTTP_IDENTITY=1 for a private network the operator trusts (docker compose).
  const allowHttpIdentity = vars.allowHttpIdentity === "1" || vars.allowHttpIdentity === "true";
  if (isProduction && !allowHttpIdentity && !isRefused("ALLOW_HTTP_IDENTITY")) {
    const insecure = (url: string | undefined) => url?.startsWith("http:") === true && !isLoopback(url);
    if (!isRefused("AUTH_JWKS_URL") && insecure(vars.jwksUrl)) {
      problems.push(
        `AUTH_JWKS_URL must be https:// in production (keys fetched over plain HTTP can be replaced on the way; ALLOW_HTTP_IDENTITY=1 on a trusted private network), got '${redactUrl(vars.jwksUrl ?? "")}'`,
      );
    }
    if (!isRefused("IDENTITY_URL") && insecure(vars.identityUrl)) {
      problems.push(
        `IDENTITY_URL must be https:// in production (callers' tokens are sent there, and its answers grant access; ALLOW_HTTP_IDENTITY=1 on a trusted private network), got '${redactUrl(vars.identityUrl ?? "")}'`,
      );
    }
  }
  if (isProduction && vars.identityUrl === undefined && !isRefused("IDENTITY_URL")) {
    problems.push("IDENTITY_URL is required in production: the identity service's tRPC endpoint (https://…/trpc)");
  }
  requireServerDatabaseInProduction(reader, { isProduction, ...vars });
  if (problems.length > 0) throw new ConfigError(problems);

  const issuer = vars.jwtIssuer;
  const audience = vars.jwtAudience;
  const secret = vars.jwtSecret ?? developmentJwtSecret;
  return {
    env: vars.nodeEnv,
    host: vars.host,
    port: vars.port,
    portVariable,
    database: vars.databaseUrl
      ? { kind: "server", url: vars.databaseUrl }
      : { kind: "embedded", dataDir: resolve(repoRoot, vars.dataDir) },
    redis: vars.redis,
    tokens: vars.jwksUrl
      ? { kind: "jwks", jwksUrl: vars.jwksUrl, issuer, audience }
      : { kind: "secret", secret, issuer, audience, isDevelopmentSecret: secret === developmentJwtSecret },
    identityUrl: vars.identityUrl ?? defaultIdentityUrl,
    corsOrigin: vars.corsOrigin ? vars.corsOrigin.split(",").map((origin) => origin.trim()) : !isProduction,
    logLevel: vars.logLevel,
    warnings,
  };
}
