// The in-process section of `pnpm bench` (alone: `pnpm bench --in-process`; started by http.ts in
// a process of its own): quick measures without HTTP, as ratios within one run (the machines are
// shared and noisy, so absolute numbers only describe this run).
//  1. sign-in timing: unknown email vs wrong password (must be ~1.0: no account enumeration)
//  2. the hot path of every authenticated call: token verification + registry lookup
//  3. whole procedures through createCaller, and memory after many authenticated calls
// Runs on DATABASE_URL / REDIS_URL when set, on the embedded database and in-process registry otherwise.
import { authenticate } from "@platform/auth";

import { seedAdmin } from "../src/seed-admin.js";
import { createTestHarness } from "../src/test-support/harness.js";

// the sign-in back-off would (rightly) stop the timing loop: give the benchmark a large budget
const h = await createTestHarness({ SIGN_IN_ACCOUNT_FREE_ATTEMPTS: "1000", SIGN_IN_IP_FREE_ATTEMPTS: "100000" });
const admin = { email: "admin@example.com", password: "correct-horse-battery-staple" };
await seedAdmin(h.deps.prisma, admin);
const user = await h.createUser({ email: "user@example.com", password: "user-password-1" });

async function timeEach(times: number, run: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}
const median = (samples: number[]) => samples[Math.floor(samples.length / 2)] ?? Number.NaN;
const perSecond = (samples: number[]) => Math.round(1000 / median(samples));
const failing = (call: () => Promise<unknown>) => () => call().catch(() => undefined);

console.log(
  `database: ${process.env.DATABASE_URL ? "PostgreSQL server" : "embedded"}, registry: ${process.env.REDIS_URL ? "Redis" : "in-process"}\n`,
);

// 1. sign-in timing, interleaved so that machine noise hits both sides alike
const unknown: number[] = [];
const wrong: number[] = [];
for (let i = 0; i < 15; i++) {
  unknown.push(
    ...(await timeEach(
      1,
      failing(() => h.caller().auth.signIn({ email: "nobody@example.com", password: "wrong-password" })),
    )),
  );
  wrong.push(
    ...(await timeEach(
      1,
      failing(() => h.caller().auth.signIn({ email: admin.email, password: "wrong-password" })),
    )),
  );
}
unknown.sort((a, b) => a - b);
wrong.sort((a, b) => a - b);
const success = await timeEach(15, () => h.caller().auth.signIn(admin));
console.log("sign-in (median ms)");
console.log(`  unknown email   ${median(unknown).toFixed(1)}`);
console.log(`  wrong password  ${median(wrong).toFixed(1)}`);
console.log(`  success         ${median(success).toFixed(1)}   (adds the session row, registry write, token)`);
console.log(`  unknown / wrong ratio: ${(median(unknown) / median(wrong)).toFixed(2)}  (1.00 = indistinguishable)\n`);

// 2. the authentication hot path
const token = await h.signIn(admin.email, admin.password);
const authorization = `Bearer ${token}`;
const verifyOnly = await timeEach(2000, () => h.deps.tokens.verify(token));
const fullAuth = await timeEach(2000, () => authenticate(h.deps, authorization));
console.log("authentication of one call (per second, median)");
console.log(`  token verification only        ${perSecond(verifyOnly)}`);
console.log(
  `  verification + registry lookup ${perSecond(fullAuth)}  (ratio ${(median(verifyOnly) / median(fullAuth)).toFixed(2)})\n`,
);

// 3. whole procedures and memory
const caller = h.caller(token);
const findById = await timeEach(500, () => caller.users.findById(user.id));
const list = await timeEach(500, () => caller.users.list({ limit: 20 }));
console.log("procedures through createCaller (per second, median)");
console.log(`  users.findById  ${perSecond(findById)}`);
console.log(`  users.list(20)  ${perSecond(list)}\n`);

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
for (let i = 0; i < 20_000; i++) await authenticate(h.deps, authorization);
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
console.log(
  `heap after 20,000 authenticated calls: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB growth${global.gc ? "" : " (run with --expose-gc for a settled number)"}`,
);

await h.close();
process.exit(0);
