// `pnpm bench`: the API over HTTP, as production runs it (issue #9), then the in-process measures.
//   pnpm bench               both sections
//   pnpm bench --http        the HTTP section only
//   pnpm bench --in-process  the in-process section only (bench/in-process.ts; needs no services)
//
// The HTTP section refuses to run without DATABASE_URL and REDIS_URL (options.ts says why), builds
// the API, the notes app and their packages, takes a database and Redis keys of its own
// (bench-services.ts), starts the API (twice), notes, the bare route and the stock adapter as
// processes of their own (servers.ts), drives them from this process with autocannon (measure.ts)
// and publishes the numbers (publish.ts). Whatever happens (an error, Ctrl-C), the servers are
// stopped and the database dropped. Exit 1 when anything that must be zero is not, 2 when it
// refuses to run; a goal missed is reported, not an exit code.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { repoRoot } from "@platform/db";

import { openBenchServices } from "./bench-services.js";
import { measureAll } from "./measure.js";
import { type BenchOptions, connections, readOptions, refusal } from "./options.js";
import { benchFile, packageDir, resultsDir } from "./paths.js";
import type { ServerProcess } from "./processes.js";
import { describeMachine, publish } from "./publish.js";
import { apiSettings, type BenchServers, startServers } from "./servers.js";

async function runHttpBench(options: BenchOptions): Promise<number> {
  const machine = describeMachine();
  const perTarget = options.warmUpSeconds + options.rounds * options.durationSeconds;
  const minutes = (8 * perTarget + options.rssSeconds + options.argon2Seconds + 30) / 60;
  console.log(
    `bench: 8 targets × (${options.warmUpSeconds} s warm-up + ${options.rounds} × ${options.durationSeconds} s), ` +
      `${options.rssSeconds} s RSS phase: about ${minutes.toFixed(1)} minutes. Load average ${machine.loadAverageAtStart.join(" ")}.`,
  );
  mkdirSync(resultsDir, { recursive: true });
  const scratchDir = mkdtempSync(join(tmpdir(), "bench-"));
  const services = await openBenchServices(options.databaseUrl, options.redisUrl, connections);
  const running: ServerProcess[] = [];
  let cleaning: Promise<number> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await Promise.allSettled(running.map((server) => server.stop()));
      rmSync(scratchDir, { recursive: true, force: true });
      return (await services.cleanUp()).redisKeysDeleted;
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the servers, dropping the benchmark's database ...`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let measured: Awaited<ReturnType<typeof measureAll>>;
  let notesSettings: BenchServers["notesSettings"];
  let errorLogLines: Record<string, ReturnType<ServerProcess["errorLines"]>>;
  try {
    const servers = await startServers({
      services,
      redisUrl: options.redisUrl,
      path: options.path,
      scratchDir,
      started: (server) => running.push(server),
    });
    notesSettings = servers.notesSettings;
    measured = await measureAll(options, services, servers);
    errorLogLines = Object.fromEntries(running.map((server) => [server.name, server.errorLines()]));
  } finally {
    const redisKeysDeleted = await cleanUp();
    console.log(`bench: servers stopped, database dropped, ${redisKeysDeleted} Redis keys of the run deleted`);
  }
  return publish({
    measured,
    machine,
    options,
    apiSettings: apiSettings(services, options.redisUrl),
    notesSettings,
    errorLogLines,
  });
}

function build() {
  console.log("bench: building the API, the notes app and the packages they use ...");
  const filters = ["--filter=@platform/api...", "--filter=@platform/notes..."];
  execFileSync("pnpm", ["exec", "turbo", "run", "build", ...filters, "--output-logs=errors-only"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
}

/** bench/in-process.ts in a process of its own (with --expose-gc for its memory measure). */
function runInProcess(): Promise<number> {
  console.log("\n## In-process measures (bench/in-process.ts)\n");
  const args = ["--expose-gc", "--import", "tsx", "--conditions=source", benchFile("in-process.ts")];
  const child = spawn(process.execPath, args, { cwd: packageDir, stdio: "inherit" });
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      resolve(code ?? 1);
    });
  });
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
