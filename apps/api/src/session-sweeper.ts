// Expired sessions are deleted by a periodic sweep in each API process (every
// SESSION_SWEEP_INTERVAL_MINUTES, default 60; 0 turns it off). Expired sessions are already
// refused on access; the sweep only keeps the table small. Several instances sweeping at once is
// harmless (the same idempotent DELETE).
import type { ApiDeps } from "./deps.js";
import { sweepExpiredSessions } from "./session-lifecycle.js";

export function startSessionSweeper(deps: ApiDeps): () => void {
  const minutes = deps.config.sessionSweepIntervalMinutes;
  if (minutes === 0) return () => {};
  const sweep = () =>
    sweepExpiredSessions(deps).then(
      (count) => {
        if (count > 0) deps.logger.info(`session sweep: deleted ${count} expired session(s)`);
      },
      (error: unknown) => {
        deps.logger.error({ err: error }, "session sweep failed");
      },
    );
  const timer = setInterval(() => void sweep(), minutes * 60_000);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
