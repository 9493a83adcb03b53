// How long a revocation made on one API instance takes to be honoured by another (issue #9's
// bound: p99 < 50 ms). For each sample: sign in on A, call auth.me on B (so B remembers the
// session), then sign out on A while calling auth.me on B back to back until it answers 401. The
// sample is how long after A answered the sign-out B still served a call sent to it: the send
// time of B's last 200 minus A's answer, 0 when no call sent after the answer was served (the
// message outran the answer). The first call on A after its own sign-out must be refused every time: the
// instance that made a change hears it before the change's call answers.
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";

import type { AppRouter } from "../src/router.js";
import type { Account } from "./bench-services.js";

export interface Propagation {
  samples: number;
  /** Milliseconds after the sign-out's answer on A during which B still served calls sent to it. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Samples where no call sent to B after A answered the sign-out was served. */
  refusedOnFirstCall: number;
  /** Calls on A, right after its own sign-out, that were not refused (must be 0). */
  servedAfterOwnSignOut: number;
}

/** Gives up on a sample after this long: a missing invalidation would otherwise run to the 10 s backstop. */
const giveUpAfterMs = 15_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const round = (ms: number) => Math.round(ms * 100) / 100;

export async function measurePropagation(options: {
  from: string;
  to: string;
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
  /** auth.me's status, by the plainest request there is (what the loop measures is the server). */
  const meStatus = async (url: string, token: string) => {
    const response = await fetch(`${url}/trpc/auth.me`, {
      headers: { ...baseHeaders, authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    return response.status;
  };

  const delays: number[] = [];
  let refusedOnFirstCall = 0;
  let servedAfterOwnSignOut = 0;
  for (let i = 0; i < options.samples; i++) {
    const account = options.accounts[i % options.accounts.length] as Account;
    const { token } = await client(options.from).auth.signIn.mutate({
      email: account.email,
      password: account.password,
    });
    if ((await meStatus(options.to, token)) !== 200) throw new Error("propagation: a fresh session was refused on B");
    // B is asked back to back from before the sign-out is sent until it refuses
    const startedAt = performance.now();
    let lastServedSentAt = startedAt;
    let isRefused = false;
    const polling = (async () => {
      while (!isRefused) {
        const sentAt = performance.now();
        const status = await meStatus(options.to, token);
        if (status === 401) isRefused = true;
        else if (status !== 200) throw new Error(`propagation: auth.me on B answered ${status}`);
        else if (sentAt - startedAt > giveUpAfterMs)
          throw new Error(`propagation: B still served after ${giveUpAfterMs} ms`);
        else lastServedSentAt = sentAt;
      }
    })();
    await client(options.from, token).auth.signOut.mutate();
    const answeredAt = performance.now();
    if ((await meStatus(options.from, token)) !== 401) servedAfterOwnSignOut++;
    await polling;
    // how long after A's answer B still served a call sent to it (none: the message outran the answer)
    const delay = lastServedSentAt - answeredAt;
    if (delay <= 0) refusedOnFirstCall++;
    delays.push(Math.max(0, delay));
  }
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? NaN),
    refusedOnFirstCall,
    servedAfterOwnSignOut,
  };
}
