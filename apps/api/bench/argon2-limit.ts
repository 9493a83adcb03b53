// "The argon2 limit": how many password verifications per second this machine can do with the API's
// own parameters (@platform/auth's verifyPassword, argon2id m=19 MiB t=2 p=1), which bounds what
// auth.signIn can ever do. Run in this process while the API is idle, with at least as many
// verifications in flight as there are cores, so that every core (up to libuv's thread pool, 4
// threads by default in this process and in the API alike) is kept busy.
import { availableParallelism } from "node:os";

import { hashPassword, verifyPassword } from "@platform/auth";

/** libuv's default thread pool, which runs argon2 here and in the API (UV_THREADPOOL_SIZE unset). */
const defaultThreadPool = 4;

export interface Argon2Limit {
  verificationsPerSecond: number;
  concurrency: number;
  seconds: number;
}

export async function measureArgon2Limit(seconds: number): Promise<Argon2Limit> {
  const concurrency = Math.max(availableParallelism(), defaultThreadPool);
  const password = "the benchmark's argon2 password";
  const hash = await hashPassword(password);
  await verifyPassword(hash, password); // warm-up: the first call loads the native module's state
  let verifications = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      if (!(await verifyPassword(hash, password))) throw new Error("argon2: the password did not verify");
      verifications++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedSeconds = (performance.now() - start) / 1000;
  return { verificationsPerSecond: verifications / elapsedSeconds, concurrency, seconds: elapsedSeconds };
}
