// The numbers of one run, summarised: per target the median over the rounds and its spread, the
// ratios issue #9 sets goals for (each next to its goal, with a pass/fail mark; notes' next to them,
// issue #10), the RSS phase, the revocation propagation (propagation-report.ts), and everything
// that must be zero (non-2xx, errors, wrong bodies, error log lines). As a Markdown table for
// people and the README, and as JSON for machines.
import type { Argon2Limit } from "./argon2-limit.js";
import type { RunResult } from "./load.js";
import type { Propagation } from "./propagation.js";
import { describePropagation, propagationGoals } from "./propagation-report.js";
import type { RssPhase } from "./rss-phase.js";
import type { Target } from "./targets.js";

export interface TargetSummary {
  key: Target["key"];
  label: string;
  server: Target["server"];
  requestsPerSecond: { median: number; min: number; max: number };
  /** Medians over the rounds of each round's percentile. */
  latencyMs: { p50: number; p99: number };
  /** Over the warm-up and every round: each must be 0. */
  non2xx: number;
  errors: number;
  wrongBodies: number;
  /** Median over the rounds, in cores (1.0 = one core busy). */
  serverCpu: number;
  /** The largest over the rounds. */
  serverRssBytes: number;
  warmUp: RunResult;
  rounds: RunResult[];
}

export interface Goal {
  measure: string;
  value: number;
  /** How the value reads in the table. */
  shown: string;
  goal: string;
  /** Undefined: reported, no goal. */
  passed?: boolean;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
export const mib = (bytes: number) => bytes / 1024 / 1024;

export function summarizeTarget(target: Target, warmUp: RunResult, rounds: RunResult[]): TargetSummary {
  const rates = rounds.map((round) => round.requestsPerSecond);
  const all = [warmUp, ...rounds];
  return {
    key: target.key,
    label: target.label,
    server: target.server,
    requestsPerSecond: { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) },
    latencyMs: { p50: median(rounds.map((r) => r.latencyMs.p50)), p99: median(rounds.map((r) => r.latencyMs.p99)) },
    non2xx: sum(all.map((r) => r.non2xx)),
    errors: sum(all.map((r) => r.errors)),
    wrongBodies: sum(all.map((r) => r.wrongBodies)),
    serverCpu: median(rounds.map((r) => r.serverCpu)),
    serverRssBytes: Math.max(...rounds.map((r) => r.serverRssBytes)),
    warmUp,
    rounds,
  };
}

/** RSS growth over the phase that still counts as "no growth": GC keeps heaps breathing by a few MiB. */
export const rssGrowthTolerance = 0.05;

/** The ratios and bounds of issue #9, each with its goal. */
export function goalsOf(
  targets: TargetSummary[],
  argon2: Argon2Limit,
  rss: RssPhase,
  propagation: Propagation,
): Goal[] {
  const rate = (key: Target["key"]) => targets.find((t) => t.key === key)?.requestsPerSecond.median ?? NaN;
  const ratio = (measure: string, value: number, min?: number, unit = ""): Goal => ({
    measure,
    value,
    shown: `${value.toFixed(value >= 10 ? 1 : value >= 1 ? 2 : 3)}${unit}`,
    goal: min === undefined ? "—" : `≥ ${min}${unit}`,
    ...(min === undefined ? {} : { passed: value >= min }),
  });
  const meP99 = targets.find((t) => t.key === "me")?.latencyMs.p99 ?? NaN;
  const growth = rss.growthBytes / rss.startBytes;
  return [
    ratio("(4)/(1) auth.me / bare route", rate("me") / rate("bare"), 0.5),
    { measure: "(4) auth.me p99", value: meP99, shown: `${meP99} ms`, goal: "< 10 ms", passed: meP99 < 10 },
    ratio("(3)/(1) health.ping via the API / bare route", rate("apiPing") / rate("bare")),
    ratio("(3)/(2) health.ping: API / stock adapter", rate("apiPing") / rate("stockPing"), 4, "×"),
    ratio("(5)/(1) users.list / bare route", rate("usersList") / rate("bare"), 0.1),
    ratio("(6) batch of 10 auth.me: calls/s / auth.me req/s", (rate("meBatch") * 10) / rate("me")),
    ratio("(7) auth.signIn / argon2 limit", rate("signIn") / argon2.verificationsPerSecond, 0.9),
    // notes is served by tRPC's stock adapter: (2) is the most it could do, as (1) is for every target
    ratio("(8)/(1) notes.list / bare route", rate("notesList") / rate("bare")),
    ratio("(8)/(2) notes.list / health.ping on the stock adapter", rate("notesList") / rate("stockPing")),
    {
      measure: `RSS growth over ${rss.seconds} s of auth.me`,
      value: growth,
      shown: `${signed(mib(rss.growthBytes))} MiB (${signed(growth * 100)} %)`,
      goal: `none (≤ ${rssGrowthTolerance * 100} %)`,
      passed: growth <= rssGrowthTolerance,
    },
    ...propagationGoals(propagation),
  ];
}

const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(1)}`;
const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const serverName = { bare: "bare", stock: "stock", api: "API", notes: "notes" } as const;

export function markdownReport(
  targets: TargetSummary[],
  goals: Goal[],
  argon2: Argon2Limit,
  rss: RssPhase,
  propagation: Propagation,
  context: { machine: string; settings: string },
): string {
  const rows = targets.map((t) =>
    [
      t.label,
      whole(t.requestsPerSecond.median),
      `${whole(t.requestsPerSecond.min)}–${whole(t.requestsPerSecond.max)}`,
      t.latencyMs.p50,
      t.latencyMs.p99,
      t.non2xx,
      t.errors + t.wrongBodies,
      `${serverName[t.server]} ${Math.round(t.serverCpu * 100)} %`,
      Math.round(mib(t.serverRssBytes)),
    ].join(" | "),
  );
  const goalRows = goals.map((g) =>
    [g.measure, g.shown, g.goal, g.passed === undefined ? "" : g.passed ? "✓" : "✗"].join(" | "),
  );
  return [
    "| target | req/s (median) | min–max | p50 ms | p99 ms | non-2xx | errors | server CPU | RSS MiB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((row) => `| ${row} |`),
    `| argon2 limit (verifications/s, ${argon2.concurrency} at once, API idle) | ${whole(argon2.verificationsPerSecond)} | | | | | | | |`,
    "",
    "| measure | value | goal (#9) | |",
    "| --- | ---: | ---: | :-: |",
    ...goalRows.map((row) => `| ${row} |`),
    "",
    `RSS of the API under ${rss.seconds} s of auth.me (sampled every ${rss.samples[1]?.atSeconds ?? "?"} s): ` +
      `${mib(rss.startBytes).toFixed(1)} MiB at the start, ${mib(rss.endBytes).toFixed(1)} MiB at the end, ` +
      `${mib(rss.peakBytes).toFixed(1)} MiB at the peak (${whole(rss.load.requestsPerSecond)} req/s).`,
    "",
    ...describePropagation(propagation),
    "",
    context.machine,
    context.settings,
  ].join("\n");
}

/**
 * Under this, a run may end before the first answers of a slow target (50 sign-ins wait for 50
 * queued argon2 verifications: over 4 s on a busy 2-core machine): too short to tell, not broken.
 * A longer run without a single answer is a failure.
 */
const tellingRunSeconds = 5;

/** What must be zero and is not, one line each (empty: all clean); and what the run could not tell. */
export function failuresOf(
  targets: TargetSummary[],
  rss: RssPhase,
  propagation: Propagation,
  errorLogLines: Record<string, number>,
): { failures: string[]; warnings: string[] } {
  const failures: string[] = [];
  if (propagation.servedAfterOwnSignOut > 0)
    failures.push(`the instance that signed out served the session ${propagation.servedAfterOwnSignOut} times after`);
  const warnings: string[] = [];
  for (const t of [...targets, { label: "RSS phase (auth.me)", ...rss.load }]) {
    const { non2xx, errors, wrongBodies } = t;
    // a warm-up only has to warm
    const runs = "rounds" in t ? t.rounds : [t];
    if (runs.some((run) => run.requests === 0 && run.seconds >= tellingRunSeconds))
      failures.push(`${t.label}: a timed run of ${tellingRunSeconds} s or more completed no request`);
    else if (runs.some((run) => !run.isSteady))
      warnings.push(
        `${t.label}: no steady state within ${runs[0]?.seconds} s (too few answers after each connection's first): its rate is the whole run's and says little; use a longer BENCH_DURATION_SECONDS`,
      );
    if (non2xx + errors + wrongBodies > 0)
      failures.push(`${t.label}: ${non2xx} non-2xx, ${errors} connection errors, ${wrongBodies} wrong bodies`);
  }
  for (const [server, count] of Object.entries(errorLogLines)) {
    if (count > 0) failures.push(`${server}: ${count} log lines at error level`);
  }
  return { failures, warnings };
}
