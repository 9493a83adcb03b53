// Does the API's memory keep growing under steady load? One long auth.me run, the API's resident
// memory sampled before it and every few seconds during it. The phase comes after the timed rounds,
// so the API has long been warm: start-up growth (JIT, pools, caches filling) is already behind it.
import { runLoad, type RunResult } from "./load.js";
import { residentBytesOf } from "./process-stats.js";
import type { Target } from "./targets.js";

export interface RssPhase {
  seconds: number;
  samples: { atSeconds: number; rssBytes: number }[];
  startBytes: number;
  endBytes: number;
  peakBytes: number;
  growthBytes: number;
  load: RunResult;
}

export async function runRssPhase(
  target: Target,
  options: { seconds: number; connections: number; apiPid: number; sampleEverySeconds: number },
): Promise<RssPhase> {
  const start = performance.now();
  const samples: RssPhase["samples"] = [];
  const sample = () => {
    samples.push({
      atSeconds: Math.round((performance.now() - start) / 100) / 10,
      rssBytes: residentBytesOf(options.apiPid),
    });
  };
  sample();
  const timer = setInterval(sample, options.sampleEverySeconds * 1000);
  let load: RunResult;
  try {
    load = await runLoad(target, {
      seconds: options.seconds,
      connections: options.connections,
      serverPid: options.apiPid,
    });
  } finally {
    clearInterval(timer);
  }
  sample();
  const bytes = samples.map((s) => s.rssBytes);
  const startBytes = bytes[0] ?? 0;
  const endBytes = bytes[bytes.length - 1] ?? 0;
  return {
    seconds: options.seconds,
    samples,
    startBytes,
    endBytes,
    peakBytes: Math.max(...bytes),
    growthBytes: endBytes - startBytes,
    load,
  };
}
