// A real logger whose lines a test can read: pino writing parsed JSON objects into an array, with
// the level as its name ("warn") so assertions read like the code that logged them.
import { type Logger, pino } from "pino";

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLogs {
  logger: Logger;
  lines: LogLine[];
  /** The lines at this level. */
  at(level: string): LogLine[];
}

export function captureLogs(level = "debug"): CapturedLogs {
  const lines: LogLine[] = [];
  const logger = pino(
    { level, formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines, at: (wanted) => lines.filter((line) => line.level === wanted) };
}
