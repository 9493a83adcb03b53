// The API's real entry point (src/main.ts through tsx) as a child process, for the tests that
// need what only a process has: signals, exit codes, its own sockets. Its output is collected;
// JSON log lines (NODE_ENV=production or test) can be read back as records. Another app of the
// platform (apps/notes) starts its own entry point the same way (`entry`).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const mainPath = fileURLToPath(new URL("../main.ts", import.meta.url));

/** One pino line: `msg`, plus whatever the line carried (req, res, responseTime, ...). */
export type LogRecord = { msg?: string } & Record<string, unknown>;

export interface ApiProcess {
  /** http://host:port of the listening API. */
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  /** The JSON log lines so far (other lines, such as the banner, are left out). */
  logRecords: () => LogRecord[];
  /** Resolves once a log record satisfies `matches` (checked on every new output). */
  waitForLog: (matches: (records: LogRecord[]) => boolean, timeoutMs?: number) => Promise<void>;
  /** The exit: code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function parseRecords(output: string): LogRecord[] {
  return output.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as LogRecord];
    } catch {
      return []; // a line still being written
    }
  });
}

/** Which program to start: the API's by default. */
export interface ProcessEntry {
  /** The TypeScript entry point, run through tsx. */
  mainPath: string;
  /** Its command-line arguments. */
  args?: string[];
  /** The line it prints once it listens; its first group is the URL. */
  listening: RegExp;
}

const apiEntry: ProcessEntry = { mainPath, listening: /API listening on (http:\/\/\S+)/ };

/**
 * Starts the API (or `entry`) with exactly `env` (plus PATH) and resolves once it prints its
 * "listening on" line; rejects with the output if it exits or does not listen within `timeoutMs`.
 */
export function startApiProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  entry: ProcessEntry = apiEntry,
): Promise<ApiProcess> {
  const args = ["--import", "tsx", "--conditions=source", entry.mainPath, ...(entry.args ?? [])];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", PORT: "0", ...env },
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onOutput = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      resolve({ code, signal });
    });
  });

  /** Resolves when `check` returns a value, re-checked on every output; rejects on exit or timeout. */
  function waitFor<T>(check: () => T | undefined, what: string, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(listener);
        settle();
      };
      const listener = () => {
        const found = check();
        if (found !== undefined)
          done(() => {
            resolve(found);
          });
      };
      const timer = setTimeout(() => {
        done(() => {
          reject(new Error(`${what} within ${ms} ms; output:\n${output}`));
        });
      }, ms);
      void exited.then(({ code }) => {
        done(() => {
          reject(new Error(`the process exited (code ${code}) before ${what}; output:\n${output}`));
        });
      });
      listeners.add(listener);
      listener();
    });
  }

  const listening = () => entry.listening.exec(output)?.[1];
  return waitFor(listening, `no line matching ${entry.listening}`, timeoutMs).then((url) => ({
    url,
    child,
    output: () => output,
    logRecords: () => parseRecords(output),
    waitForLog: (matches, ms = 10_000) =>
      waitFor(() => (matches(parseRecords(output)) ? true : undefined), "the awaited log line", ms).then(() => {}),
    exited,
  }));
}
