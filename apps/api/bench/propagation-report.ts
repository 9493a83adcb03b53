// The revocation propagation of a run (propagation.ts) in the report: a goal row per watcher (the
// other API instance, notes; issue #9's bound, which issue #10 extends to notes) and a sentence each.
import type { Honoured, Propagation } from "./propagation.js";
import type { Goal } from "./report.js";

/** issue #9: a revocation honoured by another instance within this, at the 99th percentile. */
const boundMs = 50;

const watchers = [
  { key: "otherInstance", name: "another instance", call: "auth.me", on: "another API instance" },
  { key: "notes", name: "notes", call: "notes.list", on: "the notes app" },
] as const;

export function propagationGoals(propagation: Propagation): Goal[] {
  return watchers.map(({ key, name }) => {
    const { p99Ms } = propagation[key];
    return {
      measure: `revocation honoured by ${name}, p99 of ${propagation.samples}`,
      value: p99Ms,
      shown: `${p99Ms} ms`,
      goal: `< ${boundMs} ms`,
      passed: p99Ms < boundMs,
    };
  });
}

const describe = (honoured: Honoured) =>
  `p50 ${honoured.p50Ms} ms, p99 ${honoured.p99Ms} ms, max ${honoured.maxMs} ms after the sign-out answered; ` +
  `refused on the first call already ${honoured.refusedOnFirstCall} times; ` +
  `calls sent after the sign-out answered and still served: ${honoured.servedAfterAnswer}.`;

/** One line per watcher, then the instance that signed out. */
export function describePropagation(propagation: Propagation): string[] {
  return [
    ...watchers.map(
      ({ key, call, on }) =>
        `Revocation propagation to ${on} (${propagation.samples} sign-outs on one API instance; ${call} there until 401): ` +
        describe(propagation[key]),
    ),
    `Served by the instance that signed out, on the next call: ${propagation.servedAfterOwnSignOut} times (must be 0).`,
  ];
}
