// The end of a run: the goals and failures (report.ts), bench/results/latest.json, the Markdown
// table on stdout, and the exit code (1 when anything that must be zero is not).
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

import { redactUrl } from "../src/redact-url.js";
import type { measureAll } from "./measure.js";
import { type BenchOptions, connections } from "./options.js";
import { resultsDir } from "./paths.js";
import type { ServerProcess } from "./processes.js";
import { failuresOf, goalsOf, markdownReport, mib } from "./report.js";

const loadAverage = () => loadavg().map((load) => Math.round(load * 100) / 100);

/** The machine, taken at the start of a run. */
export function describeMachine() {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
    loadAverageAtStart: loadAverage(),
  };
}

export function publish(run: {
  measured: Awaited<ReturnType<typeof measureAll>>;
  machine: ReturnType<typeof describeMachine>;
  options: BenchOptions;
  apiSettings: Record<string, string>;
  notesSettings: Record<string, string>;
  errorLogLines: Record<string, ReturnType<ServerProcess["errorLines"]>>;
}): number {
  const { measured, options, errorLogLines } = run;
  const { summaries, argon2, rss, propagation } = measured;
  const goals = goalsOf(summaries, argon2, rss, propagation);
  const errorCounts = Object.fromEntries(Object.entries(errorLogLines).map(([name, lines]) => [name, lines.count]));
  const { failures, warnings } = failuresOf(summaries, rss, propagation, errorCounts);
  const machine = { ...run.machine, loadAverageAtEnd: loadAverage() };
  const settings = {
    connections,
    durationSeconds: options.durationSeconds,
    rounds: options.rounds,
    warmUpSeconds: options.warmUpSeconds,
    rssSeconds: options.rssSeconds,
    argon2Seconds: options.argon2Seconds,
    propagationSamples: options.propagationSamples,
  };
  const shown = (settings: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(settings).map(([name, value]) => [name, name.endsWith("_URL") ? redactUrl(value) : value]),
    );
  const api = shown(run.apiSettings);
  const notes = shown(run.notesSettings);
  const resultPath = join(resultsDir, "latest.json");
  const result = {
    machine,
    settings,
    api,
    notes,
    targets: summaries,
    argon2,
    rss,
    propagation,
    goals,
    errorLogLines,
    failures,
    warnings,
  };
  writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);

  const table = markdownReport(summaries, goals, argon2, rss, propagation, {
    machine:
      `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}; ` +
      `load average ${machine.loadAverageAtStart.join(" ")} at the start, ${machine.loadAverageAtEnd.join(" ")} at the end.`,
    settings:
      `Settings: ${connections} connections, ${options.rounds} rounds × ${options.durationSeconds} s per target (alternating), ` +
      `${options.warmUpSeconds} s warm-up each; API: NODE_ENV=production, production defaults (LOG_LEVEL info), ` +
      `SIGN_IN_ACCOUNT_FREE_ATTEMPTS=1000 and SIGN_IN_IP_FREE_ATTEMPTS=100000 (the back-off would stop target 7), TRUST_PROXY=127.0.0.1, ` +
      `JWT_ALGORITHM=EdDSA (an Ed25519 key made for the run); notes: NODE_ENV=production, AUTH_JWKS_URL the API's JWKS, ` +
      `the same database (schema notes) and Redis.`,
  });
  console.log(`\n${table}\n`);
  console.log(`API RSS during the phase (MiB): ${rss.samples.map((s) => mib(s.rssBytes).toFixed(0)).join(" ")}`);
  const warnLines = Object.entries(errorLogLines).map(([name, lines]) => `${name} ${lines.warnings}`);
  console.log(`log lines at warn level: ${warnLines.join(", ")}`);
  console.log(`results: ${resultPath}; server logs (warn and above): ${resultsDir}/{api,api2,notes,stock,bare}.log`);
  for (const warning of warnings) console.warn(`!! ${warning}`);
  if (failures.length === 0) return 0;
  console.error(`\n!! FAILED: what must be zero is not:\n${failures.map((failure) => `  - ${failure}`).join("\n")}`);
  for (const [name, lines] of Object.entries(errorLogLines))
    for (const line of lines.sample) console.error(`  ${name}: ${line}`);
  return 1;
}
