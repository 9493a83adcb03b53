// One timed run of one target with autocannon: fixed connections and duration, from this process.
// The rate is the median of the per-second counts (see RunResult), the latencies autocannon's
// percentiles of every answer.
// The serving process's CPU (user + system seconds per wall second, from /proc) is measured over
// the same stretch, and its resident memory at the end.
import autocannon from "autocannon";

import { residentBytesOf, startCpuMeter } from "./process-stats.js";
import type { Target } from "./targets.js";

export interface RunResult {
  /**
   * The median of the run's per-second counts of completed answers (autocannon's "Req/Sec 50 %"),
   * so the start of a run does not count against a target: 50 sign-ins sent at once queue 50
   * argon2 verifications, and the first answers wait for all of them.
   */
  requestsPerSecond: number;
  /** Completed answers over the whole run, divided by its duration. */
  requestsPerSecondOverall: number;
  requests: number;
  latencyMs: { p50: number; p99: number };
  /** Answers with another status than 2xx, by status. */
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Connection errors, timeouts included. */
  errors: number;
  /** 2xx answers whose body was not the expected one. */
  wrongBodies: number;
  /** CPU seconds per second of the serving process (1.0 = one core). */
  serverCpu: number;
  serverRssBytes: number;
}

export async function runLoad(
  target: Target,
  options: { seconds: number; connections: number; serverPid: number },
): Promise<RunResult> {
  const { bodiesPerConnection } = target;
  let connectionsSoFar = 0;
  /** Gives each connection a body of its own, kept for all its requests. */
  const bodyPerConnection = bodiesPerConnection && {
    setupClient: (client: autocannon.Client) => {
      client.setBody(bodiesPerConnection[connectionsSoFar++ % bodiesPerConnection.length]);
    },
  };
  const cpu = startCpuMeter(options.serverPid);
  const result = await autocannon({
    url: target.url,
    method: target.method as autocannon.Request["method"],
    headers: target.headers,
    ...(target.body === undefined ? {} : { body: target.body }),
    ...(target.expectBody === undefined ? {} : { expectBody: target.expectBody }),
    ...(target.verifyBody === undefined ? {} : { verifyBody: target.verifyBody }),
    ...bodyPerConnection,
    connections: options.connections,
    duration: options.seconds,
  });
  const serverCpu = cpu.stop();
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count ?? 0;
  return {
    requestsPerSecond: result.requests.p50,
    requestsPerSecondOverall: result.requests.total / result.duration,
    requests: result.requests.total,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    wrongBodies: result.mismatches,
    serverCpu,
    serverRssBytes: residentBytesOf(options.serverPid),
  };
}
