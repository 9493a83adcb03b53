// The probes every app of the platform answers, for orchestrators and load balancers:
//   GET /health  liveness: the process answers
//   GET /ready   readiness: every check the app names (a real query against Postgres, a ping of the
//                registry...); 503 with Retry-After if any fails or does not answer within
//                `readyCheckTimeoutMs` (so it answers within 2 s), and which one in `checks`
import type { ApiServer } from "./api-server.js";
import { serviceUnavailableRetryAfterSeconds } from "./call-failures.js";

/** How long /ready waits for each check: below the 2 s a partition may cost, whatever the drivers do. */
export const readyCheckTimeoutMs = 1_500;

/** `check`, failed after `ms` if it has not settled by then. */
function withinTime<T>(check: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([check, late]).finally(() => {
    clearTimeout(timer);
  });
}

/** What /ready checks, by name: each resolves when its service answers, and rejects otherwise. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

export function registerProbes(server: ApiServer, readiness: ReadinessChecks): void {
  server.get("/health", () => ({ status: "ok" }));

  server.get("/ready", async (request, reply) => {
    const names = Object.keys(readiness);
    const results = await Promise.allSettled(
      Object.entries(readiness).map(([name, check]) => withinTime(check(), readyCheckTimeoutMs, `the ${name}`)),
    );
    const checks: Record<string, "ok" | "down"> = {};
    results.forEach((result, index) => {
      const name = names[index] ?? String(index);
      checks[name] = result.status === "fulfilled" ? "ok" : "down";
      if (result.status === "rejected") request.log.warn({ err: result.reason }, `${name} is not ready`);
    });
    const isReady = results.every((result) => result.status === "fulfilled");
    if (!isReady) void reply.header("retry-after", String(serviceUnavailableRetryAfterSeconds));
    return reply.code(isReady ? 200 : 503).send({ status: isReady ? "ok" : "unavailable", checks });
  });
}
