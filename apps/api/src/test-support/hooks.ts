// The harness in a test file's life cycle (vitest hooks), so no file repeats the set-up and none
// forgets to put the clock back: what one test does to the clock never reaches the next.
import type { RateLimitPolicy } from "@platform/auth";
import { afterAll, afterEach, beforeAll, onTestFinished } from "vitest";

import { buildServer } from "../server.js";
import { createTestHarness, type TestHarness } from "./harness.js";

/**
 * The file's harness: created before its first test, closed after its last, its clock reset after
 * each test. Call it at the top of the file; use what it returns inside tests and hooks.
 */
export function useTestHarness(env: Record<string, string> = {}): TestHarness {
  let current: TestHarness | undefined;
  beforeAll(async () => {
    current = await createTestHarness(env);
  });
  afterEach(() => {
    current?.clock.reset();
  });
  afterAll(() => current?.close());
  const harness = () => {
    if (!current)
      throw new Error("useTestHarness: the harness exists once beforeAll has run (use it in tests and hooks)");
    return current;
  };
  // a stand-in that forwards to the harness once it exists
  return new Proxy({} as TestHarness, { get: (_, member) => harness()[member as keyof TestHarness] });
}

/** A harness of this test's own (a database nobody else writes to), closed when the test ends. */
export async function createTestHarnessForThisTest(env: Record<string, string> = {}): Promise<TestHarness> {
  const harness = await createTestHarness(env);
  onTestFinished(() => harness.close());
  return harness;
}

export interface TestServer {
  /** The harness the server runs on (its deps, clock and users). */
  h: TestHarness;
  /** The tRPC endpoint, `http://127.0.0.1:<port>/trpc`, once beforeAll has run. */
  readonly url: string;
}

/** The file's harness (useTestHarness) served over real HTTP on a free port: what a client talks to. */
export function useTestServer(
  env: Record<string, string> = {},
  options: {
    /** The sign-in back-off the server uses (e.g. minute-long blocks, that no busy machine outlasts). */
    signInPolicy?: Partial<RateLimitPolicy>;
  } = {},
): TestServer {
  const h = useTestHarness(env);
  let server: Awaited<ReturnType<typeof buildServer>> | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    server = await buildServer(options.signInPolicy ? h.withSignInPolicy(options.signInPolicy) : h.deps);
    url = `${await server.listen({ host: "127.0.0.1", port: 0 })}/trpc`;
  });
  afterAll(() => server?.close()); // before the harness closes: after-hooks run in reverse order
  return {
    h,
    get url() {
      if (!url) throw new Error("useTestServer: the server listens once beforeAll has run (use it in tests and hooks)");
      return url;
    },
  };
}
