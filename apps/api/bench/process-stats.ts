// What Linux says about a server process (/proc), read from outside so the servers need no code of
// their own for it: CPU time spent (user + system) and resident memory.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every common Linux). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds process `pid` has used so far (utime + stime). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so count from the last ")"
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident set size in bytes (VmRSS). */
export function residentBytesOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/** Measures a process's CPU over a stretch of time: call `stop()` at its end. */
export function startCpuMeter(pid: number) {
  const startCpu = cpuSecondsOf(pid);
  const startWall = performance.now();
  return {
    /** CPU seconds per wall second since the start (1.0 = one core busy all the time). */
    stop: () => (cpuSecondsOf(pid) - startCpu) / ((performance.now() - startWall) / 1000),
  };
}

/**
 * Waits until process `pid` uses less than `idleCores` of CPU over a short window: autocannon
 * stops at the deadline with requests still in flight (50 sign-ins are seconds of argon2), and the
 * server finishing them must not be counted in the next target's time. False when it never settled.
 */
export async function waitUntilIdle(pid: number, timeoutMs = 30_000, idleCores = 0.1): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const meter = startCpuMeter(pid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (meter.stop() < idleCores) return true;
  }
  return false;
}
