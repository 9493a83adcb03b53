// The benchmark's servers as child processes: the built API, the bare route and the stock adapter.
// Each is started with exactly the environment given (no .env: as in a container) and prints a
// line with its URL once it listens.
//
// Their stdout is a pipe that this process drains, as a container runtime's log collector does: a
// file would grow by hundreds of megabytes per run at production's log level, and a pipe nobody
// reads would block the server. Only what a person needs afterwards is kept in the log file: the
// lines that are not JSON (banner, start-up errors), stderr, and JSON lines at warn level or above.
// Those at error level or above are also counted: the benchmark fails on any.
//
// Every child is killed when this process ends, however it ends: normally (stopAll), on Ctrl-C or
// SIGTERM (the caller's handler), or on an exit nobody planned for (SIGKILL from the exit hook).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";

export interface ServerProcess {
  name: string;
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** Log lines at error level or above so far (how many, and the first few), and at warn level. */
  errorLines: () => { count: number; sample: string[]; warnings: number };
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  stop: (graceMs?: number) => Promise<void>;
}

const running = new Set<ChildProcess>();

process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** pino's levels: 40 warn, 50 error, 60 fatal. */
const warnOrAbove = /^\{"level":(4|5|6)\d,/;
const errorOrAbove = /^\{"level":(5|6)\d,/;

/** Keeps the lines worth keeping (see the top of the file) and counts the errors. */
function createLogFilter(logPath: string) {
  const fd = openSync(logPath, "w");
  const errors: string[] = [];
  let errorCount = 0;
  let warnings = 0;
  let pending = "";
  return {
    write(chunk: Buffer) {
      const text = pending + chunk.toString();
      const end = text.lastIndexOf("\n");
      pending = text.slice(end + 1);
      if (end < 0) return;
      for (const line of text.slice(0, end).split("\n")) {
        const isJson = line.startsWith("{");
        if (isJson && !warnOrAbove.test(line)) continue;
        writeSync(fd, `${line}\n`);
        if (!isJson) continue;
        if (!errorOrAbove.test(line)) warnings++;
        else if (errorCount++ < 5) errors.push(line.slice(0, 500));
      }
    },
    writeAll(chunk: Buffer) {
      writeSync(fd, chunk);
    },
    errorLines: () => ({ count: errorCount, sample: [...errors], warnings }),
    close: () => {
      closeSync(fd);
    },
  };
}

export interface StartOptions {
  name: string;
  /** Arguments to node (flags, then the script). */
  args: string[];
  env: Record<string, string>;
  logPath: string;
  /** Where the URL is in the line the server prints once it listens. */
  listening: RegExp;
  timeoutMs?: number;
}

export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const { name, logPath, timeoutMs = 60_000 } = options;
  const child = spawn(process.execPath, options.args, { env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const log = createLogFilter(logPath);
  // "close", not "exit": the pipes are drained by then, so nothing is written after the log closes
  const exited = new Promise<void>((resolve) => {
    child.on("close", () => {
      running.delete(child);
      resolve();
    });
  });
  let banner = "";
  let isListening = false;
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not listen within ${timeoutMs / 1000} s; see ${logPath}`));
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      log.write(chunk);
      if (isListening) return;
      banner += chunk.toString();
      const found = options.listening.exec(banner)?.[1];
      if (found) {
        isListening = true;
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${child.exitCode} before listening; see ${logPath}`));
    });
  });
  child.stderr.on("data", (chunk: Buffer) => {
    log.writeAll(chunk);
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      log.close();
    })());

  try {
    return { name, url: await url, pid: child.pid ?? 0, errorLines: log.errorLines, stop };
  } catch (error) {
    await stop(1_000);
    throw error;
  }
}
