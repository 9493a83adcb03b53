// The HTTP benchmark's whole configuration, read here and nowhere else: a command-line tool with a
// tiny configuration of its own, not part of the API (whose config module it does not use).
export const connections = 50;

export interface BenchOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Each timed run of each target. */
  durationSeconds: number;
  rounds: number;
  /** One untimed run per target before the first round. */
  warmUpSeconds: number;
  /** The RSS phase: auth.me load this long, the API's RSS sampled every `rssSampleSeconds`. */
  rssSeconds: number;
  rssSampleSeconds: number;
  argon2Seconds: number;
  /** Revocations timed from one API instance to the other. */
  propagationSamples: number;
  path: string;
}

export function readOptions(env = process.env): BenchOptions {
  const wholeNumber = (name: string, fallback: number, min: number, max: number) => {
    const given = env[name]?.trim();
    if (!given) return fallback;
    const value = Number(given);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}, got '${given}'`);
    return value;
  };
  // the access tokens of a round live 15 minutes (the API's default): a round must end before that
  const durationSeconds = wholeNumber("BENCH_DURATION_SECONDS", 8, 1, 60);
  return {
    databaseUrl: env.DATABASE_URL?.trim() ?? "",
    redisUrl: env.REDIS_URL?.trim() ?? "",
    durationSeconds,
    rounds: wholeNumber("BENCH_ROUNDS", 3, 1, 20),
    warmUpSeconds: wholeNumber("BENCH_WARMUP_SECONDS", Math.min(3, durationSeconds), 1, 60),
    rssSeconds: wholeNumber("BENCH_RSS_SECONDS", 60, 5, 600),
    rssSampleSeconds: 5,
    argon2Seconds: wholeNumber("BENCH_ARGON2_SECONDS", 5, 1, 60),
    propagationSamples: wholeNumber("BENCH_PROPAGATION_SAMPLES", 200, 1, 10_000),
    path: env.PATH ?? "",
  };
}

export const refusal = `pnpm bench measures the API over HTTP as production runs it, on a PostgreSQL server and Redis:
set DATABASE_URL and REDIS_URL, e.g.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 pnpm bench

Without them the API would run on the embedded database (PGlite: one process behind a pool of one
connection) and the in-process registry, and the numbers would measure PGlite, not the service.
The benchmark creates a database of its own on that server (<name>_bench, dropped at the end) and
deletes only the Redis keys of its own users. \`pnpm bench --in-process\` runs the in-process
measures alone, which need neither.`;
