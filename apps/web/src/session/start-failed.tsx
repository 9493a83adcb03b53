// The page when the app could not start (session/start-app.ts): why, and a way forward. The button
// stays focusable while a retry runs (aria-disabled, not disabled, which would drop the focus), so
// a keyboard user can try again as soon as the next failure is announced.
import { useState } from "react";

export function StartFailed({ error, retry }: { error: unknown; retry: () => Promise<void> }) {
  const [isRetrying, setRetrying] = useState(false);
  async function tryAgain() {
    if (isRetrying) return;
    setRetrying(true);
    try {
      await retry();
    } finally {
      setRetrying(false); // the failure shown again; once it works, the app has replaced this page
    }
  }
  return (
    <main className="auth-main">
      <section className="card auth-card" aria-busy={isRetrying}>
        <p role="alert">The app could not start: {error instanceof Error ? error.message : String(error)}</p>
        <button type="button" className="button primary" aria-disabled={isRetrying} onClick={() => void tryAgain()}>
          {isRetrying ? "Trying again…" : "Try again"}
        </button>
      </section>
    </main>
  );
}
