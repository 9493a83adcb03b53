// `@platform/api/server-kit`: the pieces of this service's HTTP and start-up plumbing that another
// app of the platform (a specialist, e.g. apps/notes) runs the same way, re-exported as they are so
// that there is one copy of each. Nothing here knows about the identity's procedures or data.
// (They would sit better in a package of their own; until then, this is the one import path.)
export type { ApiServer } from "./api-server.js";
export { callFailureOptions } from "./call-failures.js";
export { developmentJwtSecret } from "./config.js";
export {
  anyText,
  ConfigError,
  createReader,
  oneOf,
  portNumber,
  quoted,
  type Reader,
  readRedisTarget,
  type RedisTarget,
  requireServerDatabaseInProduction,
  type Rule,
  trimmedText,
  urlOf,
  wholeNumber,
} from "./config-reader.js";
export { describeCorsOrigins, registerCors } from "./cors.js";
export { createDatabaseHint, isMissingDatabase, summarizeDatabaseError } from "./database-errors.js";
export { registerGracefulClose } from "./graceful-close.js";
export { textInput } from "./input-schemas.js";
export { assertPortAvailable, describeListenError } from "./listen-port.js";
export { createLogger, createSilentLogger, type Logger } from "./logger.js";
export { type ReadinessChecks, registerProbes } from "./probes.js";
export { redactUrl } from "./redact-url.js";
export { describeRedisTarget, openRedis, openRedisTarget } from "./redis-connection.js";
export { RequestLogController } from "./request-log.js";
export { registerSecurityHeaders } from "./security-headers.js";
export { StartupError } from "./startup-error.js";
export { registerTRPCRoute, type TRPCRouteOptions } from "./trpc-http/trpc-route.js";
