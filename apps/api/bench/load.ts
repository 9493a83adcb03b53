// One timed run of one target with autocannon: fixed connections and duration, from this process.
// The rate is the steady state's (see RunResult), the latencies are autocannon's percentiles of
// every answer.
// The serving process's CPU (user + system seconds per wall second, from /proc) is measured over
// the same stretch, and its resident memory at the end.
import autocannon from "autocannon";

import { residentBytesOf, startCpuMeter } from "./process-stats.js";
import type { Target } from "./targets.js";

export interface RunResult {
  /**
   * Answers per second once every connection has had its first answer: from then on each keeps one
   * request in flight, the steady state of a server under a steady stream. The start is left out:
   * 50 sign-ins sent at once queue 50 argon2 verifications, and their answers come late and all
   * together (seconds on a busy machine; a fast target is past its first 50 answers within
   * milliseconds). Without a steady state (too few answers), the whole run's rate, and
   * `isSteady` is false.
   */
  requestsPerSecond: number;
  isSteady: boolean;
  /** How long the load ran. */
  seconds: number;
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
  let answers = 0;
  let steadyFrom = 0;
  let lastAnswerAt = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method as autocannon.Request["method"],
        headers: target.headers,
        ...(target.body === undefined ? {} : { body: target.body }),
        ...(target.expectBody === undefined ? {} : { expectBody: target.expectBody }),
        ...(target.verifyBody === undefined ? {} : { verifyBody: target.verifyBody }),
        ...bodyPerConnection,
        connections: options.connections,
        duration: options.seconds,
      },
      (error: unknown, finished: autocannon.Result) => {
        if (error) reject(error instanceof Error ? error : new Error("autocannon failed", { cause: error }));
        else resolve(finished);
      },
    );
    instance.on("response", () => {
      lastAnswerAt = performance.now();
      if (++answers === options.connections) steadyFrom = lastAnswerAt;
    });
  });
  const serverCpu = cpu.stop();
  const steadyAnswers = answers - options.connections;
  const steadySeconds = (lastAnswerAt - steadyFrom) / 1000;
  const isSteady = steadyAnswers >= 2 && steadySeconds > 0;
  const overall = result.requests.total / result.duration;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count ?? 0;
  return {
    requestsPerSecond: isSteady ? steadyAnswers / steadySeconds : overall,
    isSteady,
    seconds: options.seconds,
    requestsPerSecondOverall: overall,
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
