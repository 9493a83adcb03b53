// startApp's order of things: the app only after a resume that worked, a failure with a retry
// that starts the app once it works.
import { describe, expect, it } from "vitest";

import { startApp } from "./start-app.js";

/** A resume answering each attempt in turn (an error rejects), and what the page was shown. */
function startWith(...answers: (Error | "ok")[]) {
  const shown: string[] = [];
  let retry: (() => Promise<void>) | undefined;
  const started = startApp({
    resume: () => {
      const answer = answers.shift();
      return answer === "ok" ? Promise.resolve() : Promise.reject(answer ?? new Error("no more answers"));
    },
    showApp: () => shown.push("app"),
    showFailure: (error, again) => {
      shown.push(`failure: ${error instanceof Error ? error.message : String(error)}`);
      retry = again;
    },
  });
  return { shown, started, retry: () => retry?.() };
}

describe("startApp", () => {
  it("shows the app after a resume that worked", async () => {
    const { shown, started } = startWith("ok");
    await started;
    expect(shown).toEqual(["app"]);
  });

  it("shows why resuming failed, and the app once a retry works", async () => {
    const { shown, started, retry } = startWith(new Error("API unreachable"), new Error("503"), "ok");
    await started;
    expect(shown).toEqual(["failure: API unreachable"]);

    await retry();
    expect(shown).toEqual(["failure: API unreachable", "failure: 503"]);
    await retry();
    expect(shown).toEqual(["failure: API unreachable", "failure: 503", "app"]);
  });
});
