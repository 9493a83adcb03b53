// How long a revocation made on one API instance takes to be honoured by another instance and by the
// notes app (issue #9's bound, p99 < 50 ms; issue #10 for notes). For each sample: sign in on A,
// call auth.me on B and notes.list on notes (so each remembers the session), then sign out on A
// while calling each of them back to back until it answers 401. The sample, for each, is how long
// after A answered the sign-out it still served a call sent to it: the send time of its last 200
// minus A's answer, 0 when no call sent after the answer was served (the message outran the
// answer); the calls sent after the answer and still served are counted too. The first call on A
// after its own sign-out must be refused every time: the instance that made a change hears it
// before the change's call answers.
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";

import type { AppRouter } from "../src/router.js";
import type { Account } from "./bench-services.js";

/** How one watcher (the other instance, notes) honoured the revocations. */
export interface Honoured {
  /** Milliseconds after the sign-out's answer on A during which it still served calls sent to it. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Samples where no call sent to it after A answered the sign-out was served. */
  refusedOnFirstCall: number;
  /** Calls sent to it after A answered the sign-out that it still served, over all samples. */
  servedAfterAnswer: number;
}

export interface Propagation {
  samples: number;
  /** auth.me on the second API instance. */
  otherInstance: Honoured;
  /** notes.list on the notes app. */
  notes: Honoured;
  /** Calls on A, right after its own sign-out, that were not refused (must be 0). */
  servedAfterOwnSignOut: number;
}

/** Gives up on a sample after this long: a missing invalidation would otherwise run to the 10 s backstop. */
const giveUpAfterMs = 15_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const round = (ms: number) => Math.round(ms * 100) / 100;

/** A call's status, by the plainest request there is (what the loop measures is the server). */
type StatusOf = (token: string) => Promise<number>;

/** Calls `status` back to back until it answers 401; resolves to the send times of the calls served. */
async function pollUntilRefused(name: string, status: () => Promise<number>): Promise<number[]> {
  const startedAt = performance.now();
  const servedSentAt: number[] = [];
  for (;;) {
    const sentAt = performance.now();
    const code = await status();
    if (code === 401) return servedSentAt;
    if (code !== 200) throw new Error(`propagation: ${name} answered ${code}`);
    if (sentAt - startedAt > giveUpAfterMs)
      throw new Error(`propagation: ${name} still served after ${giveUpAfterMs} ms`);
    servedSentAt.push(sentAt);
  }
}

/** One sample on one watcher: the send times of the calls it served, and when A answered the sign-out. */
interface Sample {
  servedSentAt: number[];
  answeredAt: number;
}

function honoured(samples: Sample[]): Honoured {
  const delays: number[] = [];
  let refusedOnFirstCall = 0;
  let servedAfterAnswer = 0;
  for (const { servedSentAt, answeredAt } of samples) {
    const late = servedSentAt.filter((sentAt) => sentAt > answeredAt);
    servedAfterAnswer += late.length;
    if (late.length === 0) refusedOnFirstCall++;
    delays.push(Math.max(0, ...late.map((sentAt) => sentAt - answeredAt)));
  }
  const sorted = delays.sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? NaN),
    refusedOnFirstCall,
    servedAfterAnswer,
  };
}

export async function measurePropagation(options: {
  from: string;
  to: string;
  notes: string;
  accounts: Account[];
  clientIp: string;
  samples: number;
}): Promise<Propagation> {
  const baseHeaders = { "x-forwarded-for": options.clientIp };
  const client = (url: string, token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${url}/trpc`,
          transformer: superjson,
          headers: token ? { ...baseHeaders, authorization: `Bearer ${token}` } : baseHeaders,
        }),
      ],
    });
  const statusOf =
    (url: string, path: string): StatusOf =>
    async (token) => {
      const response = await fetch(`${url}/trpc/${path}`, {
        headers: { ...baseHeaders, authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      return response.status;
    };
  const meOn = (url: string) => statusOf(url, "auth.me");
  const watchers = { otherInstance: meOn(options.to), notes: statusOf(options.notes, "notes.list") };

  const seen: Record<keyof typeof watchers, Sample[]> = { otherInstance: [], notes: [] };
  let servedAfterOwnSignOut = 0;
  for (let i = 0; i < options.samples; i++) {
    const account = options.accounts[i % options.accounts.length] as Account;
    const { token } = await client(options.from).auth.signIn.mutate({
      email: account.email,
      password: account.password,
    });
    for (const [name, status] of Object.entries(watchers)) {
      if ((await status(token)) !== 200) throw new Error(`propagation: a fresh session was refused on ${name}`);
    }
    // each watcher is asked back to back from before the sign-out is sent until it refuses
    const polling = Promise.all([
      pollUntilRefused("the other instance", () => watchers.otherInstance(token)),
      pollUntilRefused("notes", () => watchers.notes(token)),
    ]);
    await client(options.from, token).auth.signOut.mutate();
    const answeredAt = performance.now();
    if ((await meOn(options.from)(token)) !== 401) servedAfterOwnSignOut++;
    const [onOtherInstance, onNotes] = await polling;
    seen.otherInstance.push({ servedSentAt: onOtherInstance, answeredAt });
    seen.notes.push({ servedSentAt: onNotes, answeredAt });
  }
  return {
    samples: options.samples,
    otherInstance: honoured(seen.otherInstance),
    notes: honoured(seen.notes),
    servedAfterOwnSignOut,
  };
}
