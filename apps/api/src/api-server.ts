// The type of this API's Fastify instance (its logger is the process's pino logger), for the
// modules that register hooks and plugins on it (cors.ts, security-headers.ts).
import type {
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";

import type { Logger } from "./logger.js";

export type ApiServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger
>;
