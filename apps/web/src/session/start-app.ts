// Page load: resume the session an earlier load left, then show the app. When resuming fails (the
// API unreachable, a 503; in cookie mode resuming is a call), the page says why and offers to try
// again, as often as needed, until the app can start.

export interface StartAppSteps {
  /** Picks up the earlier session (rejects when that cannot be known). */
  resume: () => Promise<void>;
  /** Shows the app: called once, after a resume that worked. */
  showApp: () => void;
  /** Shows why the app could not start; `retry` tries again and settles when that attempt has. */
  showFailure: (error: unknown, retry: () => Promise<void>) => void;
}

/** Starts the app; settles when the first attempt has (shown the app, or the failure). */
export function startApp({ resume, showApp, showFailure }: StartAppSteps): Promise<void> {
  const attempt = async () => {
    try {
      await resume();
    } catch (error) {
      showFailure(error, attempt);
      return;
    }
    showApp();
  };
  return attempt();
}
