// What the soak's clients saw, HTTP request by HTTP request: status counts, latencies per
// procedure, and every unexpected outcome (a failed call, a wrong answer), kept as a sample.
export interface UnexpectedOutcome {
  client: number;
  step: string;
  message: string;
}

export class TrafficLog {
  requests = 0;
  readonly statuses = new Map<number, number>();
  readonly networkErrors: string[] = [];
  readonly latenciesMs = new Map<string, number[]>();
  readonly unexpected: UnexpectedOutcome[] = [];
  unexpectedCount = 0;

  /** A fetch that records each request's status and latency under its procedure path(s). */
  countingFetch(): typeof fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const path = url.pathname.replace(/^\/trpc\//, "");
      const start = performance.now();
      this.requests++;
      try {
        const response = await fetch(input, init);
        this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1);
        const samples = this.latenciesMs.get(path) ?? [];
        samples.push(performance.now() - start);
        this.latenciesMs.set(path, samples);
        return response;
      } catch (error) {
        this.networkErrors.push(`${path}: ${(error as Error).message}`);
        throw error;
      }
    };
  }

  /** Counts an unexpected outcome; the first 50 are kept for the report. */
  recordUnexpected(outcome: UnexpectedOutcome): void {
    this.unexpectedCount++;
    if (this.unexpected.length < 50) this.unexpected.push(outcome);
  }

  serverErrors(): number {
    return [...this.statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
  }

  /** Per procedure: calls and latency percentiles (ms). */
  latencySummary(): Record<string, { calls: number; p50: number; p95: number; p99: number; max: number }> {
    const summary: Record<string, { calls: number; p50: number; p95: number; p99: number; max: number }> = {};
    for (const [path, samples] of [...this.latenciesMs].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...samples].sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
      summary[path] = { calls: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
    }
    return summary;
  }
}
