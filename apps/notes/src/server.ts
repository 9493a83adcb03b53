// The notes app's HTTP server, built as the identity's is (the same plumbing, from
// @platform/api/server-kit): security headers on every response, CORS, one log line per request,
// graceful close, the tRPC router under /trpc (on the identity's fast serving path: an
// authenticated call is every specialist's hot path), a failed call's Retry-After and log line,
// and the probes:
//   GET /health  liveness
//   GET /ready   a real query against the notes database, and the registry's ping (the shared
//                Redis; without one, the identity service's), each within the probe's time limit
// `buildServer` does not listen; closing the server closes the dependencies (onClose).
import {
  type ApiServer,
  callFailureOptions,
  registerCors,
  registerGracefulClose,
  registerProbes,
  registerSecurityHeaders,
  registerTRPCRoute,
  RequestLogController,
  type TRPCRouteOptions,
} from "@platform/api/server-kit";
import Fastify from "fastify";

import { createContext } from "./context.js";
import type { NotesDeps } from "./deps.js";
import { notesAppRouter, type NotesRouter } from "./router.js";

/** The most calls one HTTP request may batch: the identity's limit, which the platform's client keeps to. */
export const maxBatchSize = 10;

export interface BuildServerOptions {
  /** Called once the server has closed (e.g. to close the database and the registry). */
  onClose?: () => Promise<void>;
}

export async function buildServer(deps: NotesDeps, options: BuildServerOptions = {}): Promise<ApiServer> {
  const server = Fastify({
    loggerInstance: deps.logger,
    // the batch path of tRPC lives in the URL; the default of 100 gives 414 for ~20 batched calls
    routerOptions: { maxParamLength: 5000 },
    logController: new RequestLogController(),
  });

  registerSecurityHeaders(server);
  registerGracefulClose(server);
  await registerCors(server, deps.config.corsOrigin);

  const trpcOptions: TRPCRouteOptions<NotesRouter> = {
    router: notesAppRouter,
    maxBatchSize,
    createContext: ({ req }) => createContext(deps, { authorization: req.headers.authorization, ip: req.ip }),
    ...callFailureOptions,
  };
  await registerTRPCRoute(server, "/trpc", trpcOptions);

  registerProbes(server, {
    database: () => deps.prisma.$queryRaw`SELECT 1`,
    registry: () => deps.registry.ping(),
  });

  if (options.onClose) server.addHook("onClose", options.onClose);
  return server;
}
