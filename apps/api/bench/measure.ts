// The measuring itself, once the servers run: a warm-up per target, the rounds (targets
// alternating within each), then with the API idle the argon2 limit, the RSS phase, and last the
// revocation propagation from one instance to the other and to notes.
import { measureArgon2Limit } from "./argon2-limit.js";
import type { BenchServices } from "./bench-services.js";
import { runLoad, type RunResult } from "./load.js";
import { type BenchOptions, connections } from "./options.js";
import { waitUntilIdle } from "./process-stats.js";
import { measurePropagation } from "./propagation.js";
import { summarizeTarget } from "./report.js";
import { runRssPhase } from "./rss-phase.js";
import type { BenchServers } from "./servers.js";
import { buildTargets, type Target } from "./targets.js";

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const describeRun = (r: RunResult, server: string) =>
  `${whole(r.requestsPerSecond).padStart(7)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  ` +
  `${server} CPU ${Math.round(r.serverCpu * 100)} %` +
  (r.isSteady ? "" : "  (no steady state: whole-run rate)") +
  (r.non2xx + r.errors + r.wrongBodies > 0
    ? `  !! ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors, ${r.wrongBodies} wrong bodies`
    : "");

export async function measureAll(options: BenchOptions, services: BenchServices, servers: BenchServers) {
  const { urls, pids } = servers;
  const freshTargets = async () =>
    buildTargets({ urls, ...(await servers.tokens()), signIn: services.signers, clientIp: services.clientIp });
  const load = async (target: Target, seconds: number, title: string) => {
    const result = await runLoad(target, { seconds, connections, serverPid: pids[target.server] });
    console.log(`${title.padEnd(10)}${target.label.padEnd(34)} ${describeRun(result, target.server)}`);
    // what a run left in flight must not be counted in the next one's time
    if (!(await waitUntilIdle(pids[target.server]))) console.warn(`!! ${target.server} still busy 30 s after the run`);
    return result;
  };

  let targets = await freshTargets();
  const warmUps = new Map<Target["key"], RunResult>();
  for (const target of targets) warmUps.set(target.key, await load(target, options.warmUpSeconds, "warm-up"));
  const rounds = new Map<Target["key"], RunResult[]>(targets.map((target) => [target.key, []]));
  for (let round = 1; round <= options.rounds; round++) {
    if (round > 1) targets = await freshTargets(); // fresh tokens: a long run outlives one
    for (const target of targets)
      rounds.get(target.key)?.push(await load(target, options.durationSeconds, `round ${round}/${options.rounds}`));
  }
  const summaries = targets.map((target) =>
    summarizeTarget(target, warmUps.get(target.key) as RunResult, rounds.get(target.key) ?? []),
  );

  console.log(`argon2 limit: ${options.argon2Seconds} s of verifications with the API idle ...`);
  const argon2 = await measureArgon2Limit(options.argon2Seconds);
  console.log(`RSS phase: ${options.rssSeconds} s of auth.me ...`);
  const me = (await freshTargets()).find((target) => target.key === "me") as Target;
  const rss = await runRssPhase(me, {
    seconds: options.rssSeconds,
    connections,
    apiPid: pids.api,
    sampleEverySeconds: options.rssSampleSeconds,
  });
  console.log(
    `revocation propagation: ${options.propagationSamples} sign-outs on one instance, timed on another and on notes ...`,
  );
  const propagation = await measurePropagation({
    from: urls.api,
    to: servers.secondApiUrl,
    notes: urls.notes,
    accounts: services.signers,
    clientIp: services.clientIp,
    samples: options.propagationSamples,
  });
  return { summaries, argon2, rss, propagation };
}
