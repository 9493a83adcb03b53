// The HTTP server: Fastify with security headers on every response (security-headers.ts), CORS
// (cors.ts), the tRPC router under /trpc (trpc-http/trpc-route.ts), one log line per request
// (request-log.ts), and the probes.
//   GET /health  liveness: the process answers
//   GET /ready   readiness: a real query against Postgres and a ping of the registry; 503 if either
//                fails or does not answer within `readyCheckTimeoutMs` (so it answers within 2 s)
//   GET /.well-known/jwks.json  the public keys that verify access tokens (jwks-route.ts)
// `buildServer` does not listen; closing the server closes the dependencies (onClose).
import { errorDetailsOf } from "@platform/auth";
import { TRPCError } from "@trpc/server";
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";

import { createContext } from "./context.js";
import { registerCors } from "./cors.js";
import type { ApiDeps } from "./deps.js";
import { registerGracefulClose } from "./graceful-close.js";
import { registerJwksRoute } from "./jwks-route.js";
import { RequestLogController } from "./request-log.js";
import { type AppRouter, appRouter } from "./router.js";
import { registerSecurityHeaders } from "./security-headers.js";
import { registerTRPCRoute, type TRPCRouteOptions } from "./trpc-http/trpc-route.js";

/**
 * The most calls one HTTP request may batch. The client's batch link sends at most this many
 * (packages/client/src/create-client.ts, checked against this type at compile time); a larger
 * batch is refused with 400 before any procedure runs, so one request cannot cost more than the
 * client would ever ask for.
 */
export const maxBatchSize = 10;
export type MaxBatchSize = typeof maxBatchSize;

export interface BuildServerOptions {
  /** Called once the server has closed (e.g. to close the database and the registry). */
  onClose?: () => Promise<void>;
  /** How long closing waits for requests in flight before closing their connections (graceful-close.ts). */
  closeDeadlineMs?: number;
  /**
   * How /trpc is served: "fast" (trpc-http/trpc-route.ts, the default) or "stock" (tRPC's own
   * fastifyTRPCPlugin). For tests, which run the HTTP suites through both to hold them to one
   * behaviour; not a setting for users.
   */
  serving?: "fast" | "stock";
}

/** Sent as Retry-After with every 503: outages of Postgres or Redis are usually short. */
export const serviceUnavailableRetryAfterSeconds = 5;

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

/** Whole seconds a client should wait before trying again, when the error says (429) or implies (503). */
function retryAfterSecondsOf(error: TRPCError): number | undefined {
  const { retryAfterSeconds } = errorDetailsOf(error);
  if (retryAfterSeconds !== undefined) return retryAfterSeconds;
  return error.code === "SERVICE_UNAVAILABLE" ? serviceUnavailableRetryAfterSeconds : undefined;
}

/**
 * The error that made a call fail, under tRPC's wrappers: a 503 wraps the 500 that wraps the
 * driver's error, and each wrapper repeats its message and stack, so logging the outermost one
 * prints the cause twice and names the wrong code.
 */
function underlyingCause(error: TRPCError): unknown {
  let cause: unknown = error;
  while (cause instanceof TRPCError && cause.cause !== undefined) cause = cause.cause;
  return cause;
}

export async function buildServer(deps: ApiDeps, options: BuildServerOptions = {}) {
  const server = Fastify({
    // the process's one logger (silent in tests unless they capture it)
    loggerInstance: deps.logger,
    // the batch path of tRPC lives in the URL; the default of 100 gives 414 for ~20 batched calls
    routerOptions: { maxParamLength: 5000 },
    // the client IP (rate limits, audit) comes from X-Forwarded-For only when TRUST_PROXY says so
    // (a number of hops works at run time; Fastify's types leave it out)
    trustProxy: deps.config.trustProxy as boolean | string[],
    // one line per request at info, instead of Fastify's two (request-log.ts)
    logController: new RequestLogController(),
  });

  registerSecurityHeaders(server);
  registerGracefulClose(server, options.closeDeadlineMs);
  await registerCors(server, deps.config.corsOrigin);

  const trpcOptions: TRPCRouteOptions<AppRouter> = {
    router: appRouter,
    maxBatchSize,
    createContext: ({ req }) =>
      createContext(deps, {
        authorization: req.headers.authorization,
        ip: req.ip,
        // bounded once here: it is stored with sessions and audit events
        userAgent: req.headers["user-agent"]?.slice(0, 512),
      }),
    responseMeta({ errors }) {
      const retryAfter = errors.map(retryAfterSecondsOf).find((seconds) => seconds !== undefined);
      return retryAfter === undefined ? {} : { headers: { "retry-after": String(retryAfter) } };
    },
    onError({ error, path, req }) {
      // expected errors (bad input, auth) are the client's business; log what is ours, once:
      // an outage at warn (it is not a bug and it passes), anything else at error
      const fields = { code: error.code, path, err: underlyingCause(error) };
      if (error.code === "SERVICE_UNAVAILABLE")
        req.log.warn(fields, "procedure failed: a backing service is unavailable");
      else if (error.code === "INTERNAL_SERVER_ERROR") req.log.error(fields, "procedure failed");
    },
  };
  if (options.serving === "stock") await server.register(fastifyTRPCPlugin, { prefix: "/trpc", trpcOptions });
  else await registerTRPCRoute(server, "/trpc", trpcOptions);

  server.get("/health", () => ({ status: "ok" }));

  server.get("/ready", async (request, reply) => {
    const [database, registry] = await Promise.allSettled([
      withinTime(deps.prisma.$queryRaw`SELECT 1`, readyCheckTimeoutMs, "the database"),
      withinTime(deps.registry.ping(), readyCheckTimeoutMs, "the registry"),
    ]);
    const checks = {
      database: database.status === "fulfilled" ? "ok" : "down",
      registry: registry.status === "fulfilled" ? "ok" : "down",
    };
    for (const [name, result] of Object.entries({ database, registry })) {
      if (result.status === "rejected") request.log.warn({ err: result.reason }, `${name} is not ready`);
    }
    const isReady = database.status === "fulfilled" && registry.status === "fulfilled";
    if (!isReady) void reply.header("retry-after", String(serviceUnavailableRetryAfterSeconds));
    return reply.code(isReady ? 200 : 503).send({ status: isReady ? "ok" : "unavailable", checks });
  });

  registerJwksRoute(server, deps.tokens);

  if (options.onClose) server.addHook("onClose", options.onClose);
  return server;
}
