// `pnpm test:soak`: the built API under sustained load, as production runs it, on a real
// PostgreSQL and Redis. Builds the API, starts it as a process of its own (NODE_ENV=production, a
// JWT_SECRET made for the run, a database created for the run), and runs SOAK_CLIENTS clients for
// SOAK_DURATION_SECONDS, each looping through sign-in, auth.me, auth.sessions.list, refresh and
// sign-out with the typed client. Then it checks what must hold after sustained load (see `checks`
// below and the README), prints a summary, writes the result as JSON, stops the API with SIGTERM
// and removes what it created. Exit code: 0 all checks passed, 1 a check failed, 2 refused to run.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";

import { hashPassword } from "@platform/auth";
import { repoRoot } from "@platform/db";

import { type RunningApi, startBuiltApi } from "./api-process.js";
import { residentBytesOf } from "./process-stats.js";
import { checkRevokedTokens } from "./revoked-tokens.js";
import { runSoakClient, type SoakUser } from "./soak-client.js";
import { openSoakServices, type SoakServices } from "./soak-services.js";
import { TrafficLog } from "./traffic-log.js";

/** The API's pool size on a server (createPrismaClient's default, packages/db/src/client.ts). */
const apiPoolMax = 10;
/** The pool closes a connection idle this long (pg's default idleTimeoutMillis), plus a margin. */
const poolIdleCloseMs = 11_000;
/** How long the API's Postgres connections may take to drop back to the idle baseline after the load. */
const settleBoundMs = 15_000;
/** From SIGTERM to the exit, with nothing in flight. */
const exitBoundMs = 10_000;
const sampleEveryMs = 2_000;

/**
 * The soak's whole configuration, read here and nowhere else: a command-line tool with a tiny
 * configuration of its own, not part of the API (whose config module it does not use).
 */
function readOptions(env = process.env) {
  const wholeNumber = (name: string, fallback: number, max: number) => {
    const given = env[name]?.trim();
    if (!given) return fallback;
    const value = Number(given);
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new Error(`${name} must be a whole number from 1 to ${max}, got '${given}'`);
    return value;
  };
  return {
    databaseUrl: env.DATABASE_URL?.trim() ?? "",
    redisUrl: env.REDIS_URL?.trim() ?? "",
    durationSeconds: wholeNumber("SOAK_DURATION_SECONDS", 60, 86_400),
    clients: wholeNumber("SOAK_CLIENTS", 50, 250),
    resultPath: resolve(repoRoot, env.SOAK_RESULT_FILE?.trim() || ".soak/result.json"),
    path: env.PATH ?? "",
  };
}

interface Check {
  name: string;
  bound: string;
  value: string | number;
  passed: boolean;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The API's log lines at error level or above (pino: 50 error, 60 fatal): how many, and a sample. */
function errorLogLines(logPath: string): { count: number; sample: string[] } {
  const lines = readFileSync(logPath, "utf8").split("\n");
  const errors = lines.filter((line) => {
    if (!line.startsWith("{")) return false;
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
    } catch {
      return false;
    }
  });
  return { count: errors.length, sample: errors.slice(0, 5).map((line) => line.slice(0, 500)) };
}

async function soak(options: ReturnType<typeof readOptions>, services: SoakServices, created: Created) {
  const runId = randomBytes(4).toString("hex");
  const ipBlock = `198.18.${randomBytes(1)[0] ?? 0}`; // RFC 2544 benchmarking addresses: this run's own
  const password = `soak passphrase ${runId} ${randomBytes(8).toString("hex")}`;
  const passwordHash = await hashPassword(password); // one hash for every user: the same password
  const users: SoakUser[] = [];
  for (let i = 0; i < options.clients; i++) {
    const email = `soak-${runId}-${i}@example.com`;
    const { id } = await services.prisma.user.create({
      data: { email, name: `Soak ${i}`, passwordHash },
      select: { id: true },
    });
    users.push({ id, email, password, ip: `${ipBlock}.${i}` });
    created.userIds.push(id);
    created.emails.push(email);
    created.ips.push(`${ipBlock}.${i}`);
  }
  const checkIp = `${ipBlock}.255`;
  created.ips.push(checkIp);

  const logPath = join(dirname(options.resultPath), "api.log");
  const apiEnv = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: options.redisUrl,
    // the clients' X-Forwarded-For (one address each) is believed from the loopback proxy only
    TRUST_PROXY: "127.0.0.1",
    // each client signs in about once a second: far past the 50 attempts an IP may make before
    // the back-off, which would (rightly) slow the soak down to a crawl
    SIGN_IN_IP_FREE_ATTEMPTS: "100000",
    LOG_LEVEL: "info",
  };
  const secret = { JWT_SECRET: randomBytes(48).toString("base64") }; // not in the result
  const api = await startBuiltApi({ PATH: options.path, ...apiEnv, ...secret }, logPath);
  created.api = api;
  const trpcUrl = `${api.url}/trpc`;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage1mAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
  console.log(
    `soak: ${options.clients} clients for ${options.durationSeconds} s against ${api.url} (pid ${api.pid}), database ${services.databaseName}`,
  );

  // the idle baseline: the start-up's own connections have been idle long enough to be closed
  await sleep(poolIdleCloseMs);
  const start = {
    postgres: await services.postgresConnections(),
    redis: await services.redisClientsOf(api.pid),
    rss: residentBytesOf(api.pid),
  };

  const samples: { atMs: number; postgres: number; redis: number; rss: number }[] = [];
  const loadStart = Date.now();
  const sampler = setInterval(() => {
    void Promise.all([services.postgresConnections(), services.redisClientsOf(api.pid)]).then(([postgres, redis]) => {
      samples.push({ atMs: Date.now() - loadStart, postgres, redis, rss: residentBytesOf(api.pid) });
    });
  }, sampleEveryMs);
  const traffic = new TrafficLog();
  const deadline = loadStart + options.durationSeconds * 1000;
  const runs = await Promise.all(users.map((user, i) => runSoakClient(i, user, trpcUrl, deadline, traffic)));
  const loadMs = Date.now() - loadStart;
  clearInterval(sampler);
  const end = {
    postgres: await services.postgresConnections(),
    redis: await services.redisClientsOf(api.pid),
    rss: residentBytesOf(api.pid),
  };

  const revocation = await checkRevokedTokens(trpcUrl, checkIp, {
    accessTokens: runs.flatMap((run) => run.revoked.accessTokens),
    refreshTokens: runs.flatMap((run) => run.revoked.refreshTokens),
  });
  const liveSessions = await services.prisma.session.count({
    where: { isRevoked: false, expiresAt: { gt: new Date() } },
  });

  const settleStart = Date.now();
  let settled = await services.postgresConnections();
  while (settled > start.postgres && Date.now() - settleStart < settleBoundMs) {
    await sleep(500);
    settled = await services.postgresConnections();
  }
  const settledAfterMs = Date.now() - settleStart;
  const settledRss = residentBytesOf(api.pid);
  const shutdown = await api.stop(exitBoundMs);
  const serverErrors = errorLogLines(logPath);

  const loops = runs.reduce((sum, run) => sum + run.loops, 0);
  const postgresPeak = Math.max(end.postgres, ...samples.map((s) => s.postgres));
  const redisSeen = [...new Set([start.redis, end.redis, ...samples.map((s) => s.redis)])].sort();
  const checks: Check[] = [
    { name: "HTTP 5xx answers", bound: "0", value: traffic.serverErrors(), passed: traffic.serverErrors() === 0 },
    {
      name: "network errors",
      bound: "0",
      value: traffic.networkErrors.length,
      passed: traffic.networkErrors.length === 0,
    },
    {
      name: "unexpected outcomes (failed calls, wrong answers)",
      bound: "0",
      value: traffic.unexpectedCount,
      passed: traffic.unexpectedCount === 0,
    },
    { name: "API log lines at error level", bound: "0", value: serverErrors.count, passed: serverErrors.count === 0 },
    { name: "complete loops", bound: "> 0", value: loops, passed: loops > 0 },
    {
      name: "API Postgres connections, peak",
      bound: `<= ${apiPoolMax} (its pool)`,
      value: postgresPeak,
      passed: postgresPeak <= apiPoolMax,
    },
    {
      name: "API Postgres connections after the load",
      bound: `back to the idle baseline (${start.postgres}) within ${settleBoundMs / 1000} s`,
      value: settled,
      passed: settled <= start.postgres,
    },
    {
      name: "API Redis clients",
      bound: `the same at start, every ${sampleEveryMs / 1000} s sample and end (${start.redis})`,
      value: redisSeen.join(", "),
      passed: redisSeen.length === 1 && start.redis > 0,
    },
    {
      name: "revoked tokens accepted when retried",
      bound: "0",
      value: revocation.acceptedCount,
      passed: revocation.acceptedCount === 0 && revocation.accessTokensTried > 0,
    },
    { name: "live sessions left after every sign-out", bound: "0", value: liveSessions, passed: liveSessions === 0 },
    {
      name: "SIGTERM: exit code",
      bound: `0 within ${exitBoundMs / 1000} s`,
      value: `${shutdown.code} after ${shutdown.exitMs} ms`,
      passed: shutdown.code === 0,
    },
  ];

  return {
    startedAt: new Date(loadStart).toISOString(),
    machine,
    config: { clients: options.clients, durationSeconds: options.durationSeconds, apiEnv },
    totals: {
      requests: traffic.requests,
      requestsPerSecond: Math.round((traffic.requests / loadMs) * 1000),
      loops,
      loadSeconds: Math.round(loadMs / 100) / 10,
      statuses: Object.fromEntries(traffic.statuses),
      unexpected: traffic.unexpectedCount,
      unexpectedSample: traffic.unexpected,
      networkErrorSample: traffic.networkErrors.slice(0, 20),
      serverErrorLogSample: serverErrors.sample,
    },
    latencyMs: traffic.latencySummary(),
    postgres: {
      poolMax: apiPoolMax,
      idleBaseline: start.postgres,
      peak: postgresPeak,
      end: end.postgres,
      settled,
      settledAfterMs,
    },
    redis: { start: start.redis, end: end.redis, seen: redisSeen },
    rssMiB: {
      start: mib(start.rss),
      end: mib(end.rss),
      settled: mib(settledRss),
      peak: mib(Math.max(end.rss, ...samples.map((s) => s.rss))),
    },
    revocation,
    liveSessions,
    shutdown,
    samples: samples.map((s) => ({ ...s, rss: mib(s.rss) })),
    checks,
  };
}

type SoakResult = Awaited<ReturnType<typeof soak>>;

function printSummary(result: SoakResult, resultPath: string, redisKeysDeleted: number) {
  const { totals, postgres, redis, rssMiB, revocation, machine } = result;
  console.log(
    [
      "",
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage1mAtStart} at start`,
      `requests: ${totals.requests} in ${totals.loadSeconds} s (${totals.requestsPerSecond}/s), ${totals.loops} complete loops; statuses ${JSON.stringify(totals.statuses)}`,
      `latency (ms, p50/p95/p99): ${Object.entries(result.latencyMs)
        .map(([path, l]) => `${path} ${l.p50}/${l.p95}/${l.p99}`)
        .join("; ")}`,
      `postgres connections (API): idle ${postgres.idleBaseline}, peak ${postgres.peak}, end ${postgres.end}, ${postgres.settled} after ${postgres.settledAfterMs} ms`,
      `redis clients (API): ${redis.seen.join(", ")}`,
      `RSS (MiB): start ${rssMiB.start}, end ${rssMiB.end}, peak ${rssMiB.peak}, settled ${rssMiB.settled}`,
      `revoked tokens retried: ${revocation.accessTokensTried} access + ${revocation.refreshTokensTried} refresh, ${revocation.acceptedCount} accepted`,
      `clean-up: database dropped, ${redisKeysDeleted} Redis keys deleted`,
      "",
      ...result.checks.map((c) => `${c.passed ? "PASS" : "FAIL"}  ${c.name}: ${c.value} (bound: ${c.bound})`),
      ...(totals.unexpectedSample.length
        ? [
            "",
            "unexpected (sample):",
            ...totals.unexpectedSample.map((u) => `  client ${u.client} ${u.step}: ${u.message}`),
          ]
        : []),
      ...(totals.serverErrorLogSample.length
        ? ["", "API error lines (sample):", ...totals.serverErrorLogSample.map((l) => `  ${l}`)]
        : []),
      "",
      `result: ${resultPath}`,
    ].join("\n"),
  );
}

/** What the soak has created so far, for the clean-up whatever happens. */
interface Created {
  userIds: string[];
  emails: string[];
  ips: string[];
  api?: RunningApi;
}

async function main(): Promise<number> {
  const options = readOptions();
  const missing = [
    ...(options.databaseUrl ? [] : ["DATABASE_URL (postgres://…)"]),
    ...(options.redisUrl ? [] : ["REDIS_URL (redis://…)"]),
  ];
  if (missing.length > 0) {
    console.error(
      `pnpm test:soak needs a real PostgreSQL and Redis, as production has: set ${missing.join(" and ")}. ` +
        "The embedded database serves one connection and the in-process registry one instance, so a soak on them " +
        "would measure neither. The soak creates a database of its own on that server (its user must be allowed to " +
        "create databases) and drops it after; it deletes the Redis keys the API wrote for its users.",
    );
    return 2;
  }
  mkdirSync(dirname(options.resultPath), { recursive: true });
  console.log("soak: building the API ...");
  execFileSync("pnpm", ["exec", "turbo", "run", "build", "--filter=@platform/api...", "--output-logs=errors-only"], {
    cwd: repoRoot,
    stdio: "inherit",
  });

  const services = await openSoakServices(options.databaseUrl, options.redisUrl);
  const created: Created = { userIds: [], emails: [], ips: [] };
  let result: SoakResult;
  let redisKeysDeleted: number;
  try {
    result = await soak(options, services, created);
  } finally {
    await created.api?.stop(exitBoundMs); // still running if the soak failed half-way
    ({ redisKeysDeleted } = await services.cleanUp(created));
  }
  writeFileSync(options.resultPath, `${JSON.stringify({ ...result, cleanup: { redisKeysDeleted } }, null, 2)}\n`);
  printSummary(result, options.resultPath, redisKeysDeleted);
  return result.checks.every((check) => check.passed) ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error("soak failed:", error);
  return 1;
});
