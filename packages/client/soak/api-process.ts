// The API as production runs it: the built entry point (apps/api/dist/main.js) in a process of its
// own, started with exactly the environment given (no .env: as in a container; PATH included). Its output goes
// to a log file; the banner's "API listening on" line gives its URL.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";

import { repoRoot } from "@platform/db";

export const builtEntryPoint = join(repoRoot, "apps", "api", "dist", "main.js");

export interface RunningApi {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** Sends SIGTERM (SIGKILL after `timeoutMs`); resolves with the exit code (null if killed) and how long it took. */
  stop: (timeoutMs: number) => Promise<{ code: number | null; exitMs: number }>;
}

export async function startBuiltApi(env: Record<string, string>, logPath: string): Promise<RunningApi> {
  if (!existsSync(builtEntryPoint)) throw new Error(`${builtEntryPoint} is missing: the build did not run`);
  const child: ChildProcess = spawn(process.execPath, ["--enable-source-maps", builtEntryPoint], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(logPath);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));

  let banner = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the API did not listen within 30 s; see ${logPath}`));
    }, 30_000);
    const onBanner = (chunk: Buffer) => {
      banner += chunk.toString();
      const listening = /API listening on (http:\/\/\S+)/.exec(banner)?.[1];
      if (listening) {
        clearTimeout(timer);
        child.stdout?.off("data", onBanner); // the rest goes to the log file only
        resolve(listening);
      }
    };
    child.stdout?.on("data", onBanner);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited with code ${code} before listening; see ${logPath}`));
    });
  });

  let stopping: Promise<{ code: number | null; exitMs: number }> | undefined;
  async function stop(timeoutMs: number) {
    const start = Date.now();
    child.kill("SIGTERM");
    const late = new Promise<"late">((resolve) => setTimeout(resolve, timeoutMs, "late").unref());
    const code = await Promise.race([exited, late]);
    if (code === "late") {
      child.kill("SIGKILL");
      await exited;
      return { code: null, exitMs: Date.now() - start };
    }
    const exitMs = Date.now() - start;
    await new Promise((resolve) => log.end(resolve));
    return { code, exitMs };
  }
  return {
    url,
    pid: child.pid ?? 0,
    /** Once: a second call gets the first one's answer. */
    stop: (timeoutMs) => (stopping ??= stop(timeoutMs)),
  };
}
