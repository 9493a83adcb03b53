// The HTTP server: Fastify with security headers on every response (security-headers.ts), CORS
// (cors.ts), the tRPC router under /trpc (trpc-http/trpc-route.ts), one log line per request
// (request-log.ts), the probes (probes.ts: /health, and /ready from a real query against Postgres
// and a ping of the registry), a failed call's Retry-After and log line (call-failures.ts), the
// refresh cookie's Set-Cookie headers (refresh-cookie.ts), and
//   GET /.well-known/jwks.json  the public keys that verify access tokens (jwks-route.ts)
// `buildServer` does not listen; closing the server closes the dependencies (onClose).
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";

import { callFailureOptions } from "./call-failures.js";
import { createContext } from "./context.js";
import { registerCors } from "./cors.js";
import type { ApiDeps } from "./deps.js";
import { registerGracefulClose } from "./graceful-close.js";
import { registerJwksRoute } from "./jwks-route.js";
import { registerProbes } from "./probes.js";
import { cookieRequestOf } from "./refresh-cookie.js";
import { RequestLogController } from "./request-log.js";
import { type AppRouter, appRouter } from "./router.js";
import { registerSecurityHeaders } from "./security-headers.js";
import { registerTRPCRoute, type TRPCRouteOptions } from "./trpc-http/trpc-route.js";
import type { MaxBatchSize } from "./wire-types.js";

/**
 * The most calls one HTTP request may batch. The client's batch link sends at most this many
 * (packages/client/src/create-client.ts, checked against this type at compile time); a larger
 * batch is refused with 400 before any procedure runs, so one request cannot cost more than the
 * client would ever ask for.
 */
export const maxBatchSize: MaxBatchSize = 10;
export type { MaxBatchSize } from "./wire-types.js";

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
      createContext(
        deps,
        {
          authorization: req.headers.authorization,
          ip: req.ip,
          // bounded once here: it is stored with sessions and audit events
          userAgent: req.headers["user-agent"]?.slice(0, 512),
        },
        () => cookieRequestOf(req),
      ),
    ...callFailureOptions,
    responseMeta(meta) {
      const { headers } = callFailureOptions.responseMeta(meta);
      const setCookies = meta.ctx?.refreshCookie.setCookies ?? [];
      return setCookies.length === 0 ? { headers } : { headers: { ...headers, "set-cookie": [...setCookies] } };
    },
  };
  if (options.serving === "stock") await server.register(fastifyTRPCPlugin, { prefix: "/trpc", trpcOptions });
  else await registerTRPCRoute(server, "/trpc", trpcOptions);

  registerProbes(server, {
    database: () => deps.prisma.$queryRaw`SELECT 1`,
    registry: () => deps.registry.ping(),
  });

  registerJwksRoute(server, deps.tokens);

  if (options.onClose) server.addHook("onClose", options.onClose);
  return server;
}
