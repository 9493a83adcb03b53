// `pnpm bench`: the API over HTTP, as production runs it (issue #9), then the in-process measures.
//   pnpm bench               both sections
//   pnpm bench --http        the HTTP section only
//   pnpm bench --in-process  the in-process section only (bench/in-process.ts; needs no services)
//
// The HTTP section builds the API and its packages, and starts as processes of their own:
//   the API     dist/main.js, NODE_ENV=production with its production defaults (LOG_LEVEL
//               included), a JWT_SECRET made for the run, on DATABASE_URL's server (a database of
//               the benchmark's own) and REDIS_URL; only the sign-in back-off budgets are raised
//               (they would rightly stop the sign-in target: not a speed setting), and TRUST_PROXY
//               lets the run claim a client IP of its own (bench-services.ts)
//   the limit   a bare Fastify route answering the exact bytes of a real auth.me (bare-server.ts)
//   the stock   the same router through tRPC's stock Fastify adapter (stock-server.ts)
// and drives them from this process with autocannon: 50 connections, a warm-up per target, then
// BENCH_ROUNDS rounds in which the targets alternate, each for BENCH_DURATION_SECONDS; then the
// argon2 limit (API idle) and the RSS phase. Results: bench/results/latest.json and a Markdown
// table. Exit 1 when anything that must be zero is not (non-2xx, errors, wrong bodies, error log
// lines), 2 when it refuses to run; a goal missed is reported, not an exit code.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { repoRoot } from "@platform/db";

import { redactUrl } from "../src/redact-url.js";
import { measureArgon2Limit } from "./argon2-limit.js";
import { openBenchServices } from "./bench-services.js";
import { runLoad, type RunResult } from "./load.js";
import { type BenchOptions, connections, readOptions, refusal } from "./options.js";
import { waitUntilIdle } from "./process-stats.js";
import { type ServerProcess, startServerProcess } from "./processes.js";
import { failuresOf, goalsOf, markdownReport, mib, summarizeTarget } from "./report.js";
import { runRssPhase } from "./rss-phase.js";
import { authMeBody, buildTargets, signIn, type Target } from "./targets.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const resultsDir = join(packageDir, "bench", "results");
const here = (file: string) => join(packageDir, "bench", file);

function describeMachine() {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** The API's environment: production, its defaults, and only what the benchmark must set. */
function apiEnvironment(options: BenchOptions, databaseUrl: string) {
  const shown = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl,
    // the run's requests claim a client IP of their own through the loopback "proxy", so that the
    // sign-in counters of 127.0.0.1 (a developer's own API may share this Redis) stay untouched
    TRUST_PROXY: "127.0.0.1",
    // the back-off would (rightly) stop the sign-in target after a few attempts: not a speed setting
    SIGN_IN_ACCOUNT_FREE_ATTEMPTS: "1000",
    SIGN_IN_IP_FREE_ATTEMPTS: "100000",
  };
  return { shown, full: { PATH: options.path, ...shown, JWT_SECRET: randomBytes(48).toString("base64") } };
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const describeRun = (r: RunResult, server: string) =>
  `${whole(r.requestsPerSecond).padStart(7)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  ` +
  `${server} CPU ${Math.round(r.serverCpu * 100)} %` +
  (r.non2xx + r.errors + r.wrongBodies > 0
    ? `  !! ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors, ${r.wrongBodies} wrong bodies`
    : "");

async function runHttpBench(options: BenchOptions): Promise<number> {
  const machine = describeMachine();
  const perTarget = options.warmUpSeconds + options.rounds * options.durationSeconds;
  const minutes = (7 * perTarget + options.rssSeconds + options.argon2Seconds + 30) / 60;
  console.log(
    `bench: 7 targets × (${options.warmUpSeconds} s warm-up + ${options.rounds} × ${options.durationSeconds} s), ` +
      `${options.rssSeconds} s RSS phase: about ${minutes.toFixed(1)} minutes. Load average ${machine.loadAverageAtStart.join(" ")}.`,
  );
  mkdirSync(resultsDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "bench-"));
  const services = await openBenchServices(options.databaseUrl, options.redisUrl, connections);
  const servers: ServerProcess[] = [];
  let cleaning: Promise<number> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await Promise.allSettled(servers.map((server) => server.stop()));
      rmSync(scratch, { recursive: true, force: true });
      return (await services.cleanUp()).redisKeysDeleted;
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the servers, dropping the benchmark's database ...`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const env = apiEnvironment(options, services.databaseUrl);
  const clientIp = services.clientIp;
  let report: Awaited<ReturnType<typeof measure>>;
  try {
    report = await measure();
  } finally {
    const redisKeysDeleted = await cleanUp();
    console.log(`bench: servers stopped, database dropped, ${redisKeysDeleted} Redis keys of the run deleted`);
  }

  async function measure() {
    const start = (name: string, args: string[], listening: RegExp, childEnv: Record<string, string> = env.full) =>
      startServerProcess({ name, args, env: childEnv, logPath: join(resultsDir, `${name}.log`), listening }).then(
        (server) => {
          servers.push(server);
          return server;
        },
      );
    const api = await start(
      "api",
      ["--enable-source-maps", join(packageDir, "dist", "main.js")],
      /API listening on (\S+)/,
    );
    const tokens = async () => ({
      memberToken: await signIn(api.url, services.member, clientIp),
      adminToken: await signIn(api.url, services.admin, clientIp),
    });
    const firstTokens = await tokens();
    const bodyPath = join(scratch, "auth-me.json");
    writeFileSync(bodyPath, await authMeBody(api.url, firstTokens.memberToken, clientIp));
    const tsx = ["--import", "tsx"];
    const [bare, stock] = await Promise.all([
      start("bare", [...tsx, here("bare-server.ts"), bodyPath], /listening on (\S+)/, { PATH: options.path }),
      start("stock", [...tsx, here("stock-server.ts")], /listening on (\S+)/),
    ]);
    const pids = { bare: bare.pid, stock: stock.pid, api: api.pid };
    const urls = { bare: bare.url, stock: stock.url, api: api.url };
    const targetsWith = async (fresh: { memberToken: string; adminToken: string }) =>
      buildTargets({ urls, ...fresh, signIn: services.signers, clientIp });
    const load = async (target: Target, seconds: number) => {
      const result = await runLoad(target, { seconds, connections, serverPid: pids[target.server] });
      if (!(await waitUntilIdle(pids[target.server])))
        console.warn(`!! ${target.server} still busy 30 s after the run`);
      return result;
    };

    let targets = await targetsWith(firstTokens);
    const warmUps = new Map<Target["key"], RunResult>();
    for (const target of targets) {
      const result = await load(target, options.warmUpSeconds);
      warmUps.set(target.key, result);
      console.log(`warm-up   ${target.label.padEnd(34)} ${describeRun(result, target.server)}`);
    }
    const rounds = new Map<Target["key"], RunResult[]>(targets.map((target) => [target.key, []]));
    for (let round = 1; round <= options.rounds; round++) {
      if (round > 1) targets = await targetsWith(await tokens()); // fresh tokens: a long run outlives 15 minutes
      for (const target of targets) {
        const result = await load(target, options.durationSeconds);
        rounds.get(target.key)?.push(result);
        console.log(
          `round ${round}/${options.rounds} ${target.label.padEnd(34)} ${describeRun(result, target.server)}`,
        );
      }
    }
    const summaries = targets.map((target) =>
      summarizeTarget(target, warmUps.get(target.key) as RunResult, rounds.get(target.key) ?? []),
    );

    console.log(`argon2 limit: ${options.argon2Seconds} s of verifications with the API idle ...`);
    const argon2 = await measureArgon2Limit(options.argon2Seconds);
    console.log(`RSS phase: ${options.rssSeconds} s of auth.me ...`);
    const meTarget = (await targetsWith(await tokens())).find((target) => target.key === "me") as Target;
    const rss = await runRssPhase(meTarget, {
      seconds: options.rssSeconds,
      connections,
      apiPid: api.pid,
      sampleEverySeconds: options.rssSampleSeconds,
    });
    const errorLogLines = Object.fromEntries(servers.map((server) => [server.name, server.errorLines()]));
    return { summaries, argon2, rss, errorLogLines };
  }

  const { summaries, argon2, rss, errorLogLines } = report;
  const goals = goalsOf(summaries, argon2, rss);
  const failures = failuresOf(
    summaries,
    rss,
    Object.fromEntries(Object.entries(errorLogLines).map(([name, lines]) => [name, lines.count])),
  );
  const endedMachine = { ...machine, loadAverageAtEnd: loadavg().map((load) => Math.round(load * 100) / 100) };
  const settings = {
    connections,
    durationSeconds: options.durationSeconds,
    rounds: options.rounds,
    warmUpSeconds: options.warmUpSeconds,
    rssSeconds: options.rssSeconds,
    argon2Seconds: options.argon2Seconds,
  };
  const apiShown = {
    ...env.shown,
    DATABASE_URL: redactUrl(env.shown.DATABASE_URL),
    REDIS_URL: redactUrl(options.redisUrl),
  };
  const resultPath = join(resultsDir, "latest.json");
  writeFileSync(
    resultPath,
    `${JSON.stringify({ machine: endedMachine, settings, api: apiShown, targets: summaries, argon2, rss, goals, errorLogLines, failures }, null, 2)}\n`,
  );
  const table = markdownReport(summaries, goals, argon2, rss, {
    machine:
      `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}; ` +
      `load average ${machine.loadAverageAtStart.join(" ")} at the start, ${endedMachine.loadAverageAtEnd.join(" ")} at the end.`,
    settings:
      `Settings: ${connections} connections, ${options.rounds} rounds × ${options.durationSeconds} s per target (alternating), ` +
      `${options.warmUpSeconds} s warm-up each; API: NODE_ENV=production, production defaults (LOG_LEVEL info), ` +
      `SIGN_IN_ACCOUNT_FREE_ATTEMPTS=1000 and SIGN_IN_IP_FREE_ATTEMPTS=100000 (the back-off would stop target 7), TRUST_PROXY=127.0.0.1.`,
  });
  console.log(
    `\n${table}\n\nAPI RSS during the phase (MiB): ${rss.samples.map((s) => mib(s.rssBytes).toFixed(0)).join(" ")}`,
  );
  const warnings = Object.entries(errorLogLines).map(([name, lines]) => `${name} ${lines.warnings}`);
  console.log(`log lines at warn level: ${warnings.join(", ")}`);
  console.log(`results: ${resultPath}; server logs (warn and above): ${resultsDir}/{api,stock,bare}.log`);
  if (failures.length > 0) {
    console.error(`\n!! FAILED: what must be zero is not:\n${failures.map((failure) => `  - ${failure}`).join("\n")}`);
    for (const [name, lines] of Object.entries(errorLogLines))
      for (const line of lines.sample) console.error(`  ${name}: ${line}`);
    return 1;
  }
  return 0;
}

function build() {
  console.log("bench: building the API and the packages it uses ...");
  execFileSync("pnpm", ["exec", "turbo", "run", "build", "--filter=@platform/api...", "--output-logs=errors-only"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
}

/** bench/in-process.ts in a process of its own (with --expose-gc for its memory measure). */
function runInProcess(): Promise<number> {
  console.log("\n## In-process measures (bench/in-process.ts)\n");
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--conditions=source", here("in-process.ts")],
    { cwd: packageDir, stdio: "inherit" },
  );
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      resolve(code ?? 1);
    }),
  );
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--in-process")) return runInProcess();
  const options = readOptions();
  if (!options.databaseUrl || !options.redisUrl) {
    console.error(refusal);
    return 2;
  }
  build();
  const http = await runHttpBench(options);
  if (args.includes("--http")) return http;
  const inProcess = await runInProcess();
  return http || inProcess;
}

// exit explicitly: the load generator and the drivers may leave handles that would keep it alive
process.exit(
  await main(process.argv.slice(2)).catch((error: unknown) => {
    console.error("bench failed:", error);
    return 1;
  }),
);
