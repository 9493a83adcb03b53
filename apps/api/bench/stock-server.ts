// The baseline serving path: this API's router, dependencies and logger (at production's level),
// served through tRPC's stock Fastify adapter (`fastifyTRPCPlugin`) with Fastify's own request
// logging, as the API was served before it had a serving path of its own. Nothing else: no
// security headers, CORS or probes. Started by bench/http.ts as a process of its own, with the
// API's environment.
//
// Everything runs from the build (dist/), like the API it is compared with. The modules' types come
// from the sources (type-only imports, erased); the build is imported by computed specifiers.
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";

import type * as ConfigModule from "../src/config.js";
import type * as ContextModule from "../src/context.js";
import type * as LoggerModule from "../src/logger.js";
import type * as OpenDepsModule from "../src/open-deps.js";
import type * as RouterModule from "../src/router.js";

const built = <T>(file: string) => import(new URL(`../dist/${file}`, import.meta.url).href) as Promise<T>;
const [{ loadConfig }, { createLogger }, { openDeps }, { appRouter }, { createContext }] = await Promise.all([
  built<typeof ConfigModule>("config.js"),
  built<typeof LoggerModule>("logger.js"),
  built<typeof OpenDepsModule>("open-deps.js"),
  built<typeof RouterModule>("router.js"),
  built<typeof ContextModule>("context.js"),
]);

const config = loadConfig();
const logger = createLogger(config);
const opened = await openDeps(config, logger);
const server = Fastify({ loggerInstance: logger, routerOptions: { maxParamLength: 5000 } });
await server.register(fastifyTRPCPlugin, {
  prefix: "/trpc",
  trpcOptions: {
    router: appRouter,
    createContext: ({ req }) => createContext(opened.deps, { authorization: req.headers.authorization, ip: req.ip }),
  } satisfies FastifyTRPCPluginOptions<RouterModule.AppRouter>["trpcOptions"],
});
server.addHook("onClose", () => opened.close());
const url = await server.listen({ host: config.host, port: config.port });
console.log(`stock adapter listening on ${url}`);

process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
