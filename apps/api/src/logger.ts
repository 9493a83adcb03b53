// The one logger of the process: created once from the configuration (main.ts / openDeps), handed
// to Fastify as its logger and to the code through `deps.logger`, so LOG_LEVEL governs every
// operational message. JSON lines in production and test (for machines); pretty lines in
// development (for people). The start-up banner and start-up refusals are not log lines: they are
// printed as plain text whatever LOG_LEVEL says (see main.ts).
//
// Pretty printing runs in this thread, synchronously, rather than through pino's worker-thread
// transport: a line logged just before `process.exit` is never lost, and nothing has to resolve
// `pino-pretty` at run time from another thread. Development only, so its cost does not matter.
import { type DestinationStream, type Logger, pino } from "pino";
import { prettyFactory } from "pino-pretty";

import type { Config } from "./config.js";

export type { Logger };

/** Where log lines go: stdout unless a test says otherwise. */
export interface LogDestination {
  write(line: string): unknown;
  isTTY?: boolean;
}

export function createLogger(
  config: Pick<Config, "env" | "logLevel">,
  destination: LogDestination = process.stdout,
): Logger {
  const options = { level: config.logLevel };
  if (config.env !== "development") {
    return destination === process.stdout ? pino(options) : pino(options, destination as DestinationStream);
  }
  const prettify = prettyFactory({
    colorize: destination.isTTY === true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname",
    singleLine: true, // one request, one line (request-log.ts): a terminal stays readable
  });
  return pino(options, { write: (line: string) => destination.write(prettify(line)) });
}

/** A logger that drops everything (tests, embedding). */
export const createSilentLogger = (): Logger => pino({ level: "silent" });
