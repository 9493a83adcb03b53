// Reading environment variables the platform's way, for each app's config module (apps/api's
// config.ts, a specialist's): each variable checked on its own by a rule, every refusal collected
// instead of stopping at the first, so one failed start lists every problem; each problem names
// its variable, what it must be and what it got (a secret by its length, a URL without its
// password). A blank value counts as unset. The rules between variables stay with each app, except
// those every app shares: where the platform's Redis is (readRedisTarget).
import { z } from "zod";

import { redactUrl } from "./redact-url.js";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** How one variable is checked, and how a refusal reads: "<NAME> must be <expected>, got <shown value>". */
export interface Rule<T> {
  schema: z.ZodType<T>;
  expected: string;
  /** A refused value as the message shows it; quoted as given unless it is (or holds) a secret. */
  show?: (given: string) => string;
}

export const quoted = (given: string) => `'${given}'`;

export const wholeNumber = (min: number, max: number): Rule<number> => ({
  schema: z.coerce.number().int().min(min).max(max),
  expected: `a whole number from ${min} to ${max}`,
});
export const portNumber: Rule<number> = {
  schema: z.coerce.number().int().min(0).max(65_535), // 0: any free port (the tests use it)
  expected: "a port number (0–65535)",
};
export const oneOf = <const T extends string>(values: readonly [T, ...T[]]): Rule<T> => ({
  schema: z.enum(values),
  expected: `one of ${values.join(", ")}`,
});
export const urlOf = (protocols: [string, ...string[]]): Rule<string> => ({
  schema: z
    .string()
    .trim()
    .pipe(z.url({ protocol: new RegExp(`^(${protocols.join("|")})$`) })),
  expected: `a ${protocols.map((protocol) => `${protocol}://`).join(" or ")} URL`,
  show: (given) => quoted(redactUrl(given)),
});
export const anyText: Rule<string> = { schema: z.string(), expected: "text" };
export const trimmedText: Rule<string> = { schema: z.string().trim(), expected: "text" };

/** Checks variables one at a time, collecting a problem for each refusal instead of stopping at the first. */
export function createReader(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const refused = new Set<string>();
  /** Every variable this module reads: any other that looks like one of them is probably a typo. */
  const names = new Set<string>();
  /** The checked value; undefined when unset (or blank), and when refused (a problem is recorded). */
  function read<T>(name: string, rule: Rule<T>): T | undefined {
    names.add(name);
    const given = env[name];
    if (given === undefined || given.trim() === "") return undefined;
    const parsed = rule.schema.safeParse(given);
    if (parsed.success) return parsed.data;
    problems.push(`${name} must be ${rule.expected}, got ${(rule.show ?? quoted)(given)}`);
    refused.add(name);
    return undefined;
  }
  /** Whether a variable was refused: rules between variables say nothing more about it. */
  const isRefused = (...names: string[]) => names.some((name) => refused.has(name));
  /** A problem of variables together (two that exclude each other): listed, and each counts as refused. */
  function refuse(problem: string, ...names: string[]) {
    problems.push(problem);
    for (const name of names) refused.add(name);
  }
  return { read, isRefused, refuse, problems, names };
}

export type Reader = ReturnType<typeof createReader>;

/** Every app's one rule on its database: production wants a server, unless ALLOW_EMBEDDED=1 says otherwise. */
export function requireServerDatabaseInProduction(
  { problems, isRefused }: Reader,
  vars: { isProduction: boolean; databaseUrl: string | undefined; allowEmbedded: string | undefined },
): void {
  const allowEmbedded = vars.allowEmbedded === "1" || vars.allowEmbedded === "true";
  if (
    vars.isProduction &&
    vars.databaseUrl === undefined &&
    !allowEmbedded &&
    !isRefused("DATABASE_URL", "ALLOW_EMBEDDED")
  ) {
    problems.push(
      "DATABASE_URL is required in production: the embedded database serves a single process and is meant for development; set ALLOW_EMBEDDED=1 to use it anyway",
    );
  }
}

/**
 * A Redis Cluster's seed nodes (ioredis discovers the others from them): `host:port`, or a
 * redis:// or rediss:// URL to give credentials or TLS, which must then be the same on every seed
 * (ioredis reaches every node with one set). Each comes out as a URL; Cluster has database 0 only.
 */
const clusterSeed = z
  .url({ protocol: /^rediss?$/ })
  .refine((seed) => ["", "/"].includes(new URL(seed).pathname), "Redis Cluster has database 0 only");
const sameButWhere = (seeds: string[]) =>
  new Set(
    seeds.map((seed) => new URL(seed)).map(({ protocol, username, password }) => `${protocol}${username}:${password}`),
  ).size === 1;
const clusterNodesRule: Rule<string[]> = {
  schema: z
    .string()
    .transform((list) =>
      list
        .split(",")
        .map((seed) => seed.trim())
        .filter(Boolean)
        .map((seed) => (seed.includes("://") ? seed : `redis://${seed}`)),
    )
    .pipe(z.array(clusterSeed).min(1).refine(sameButWhere)),
  expected:
    "comma-separated host:port seeds of a Redis Cluster (or redis:// / rediss:// URLs, all with the same credentials and scheme)",
  show: (given) => quoted(given.split(",").map(redactUrl).join(",")),
};

/** The platform's shared Redis: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = { kind: "redis"; url: string } | { kind: "redis-cluster"; nodes: string[] };

/**
 * REDIS_URL or REDIS_CLUSTER_NODES, read the same way by every app of the platform (the identity
 * and its specialists share one Redis, so they name it alike). undefined when neither is set, or
 * when a problem is listed: a refused value, or both set (then both count as refused, so an app's
 * own rules about them stay quiet).
 */
export function readRedisTarget({ read, refuse }: Reader): RedisTarget | undefined {
  const url = read("REDIS_URL", urlOf(["redis", "rediss"]));
  const nodes = read("REDIS_CLUSTER_NODES", clusterNodesRule);
  if (url !== undefined && nodes !== undefined) {
    refuse(
      "REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a Redis Cluster, not both",
      "REDIS_URL",
      "REDIS_CLUSTER_NODES",
    );
    return undefined;
  }
  if (nodes) return { kind: "redis-cluster", nodes };
  return url === undefined ? undefined : { kind: "redis", url };
}
