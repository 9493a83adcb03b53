// Mutation testing of the API's authorization and session logic (`pnpm test:mutation:api`, see
// README "Mutation testing"). Paths are from the repository root: Stryker runs there
// (stryker.base.mjs says why).
import { strykerConfig } from "../../stryker.base.mjs";

export default {
  ...strykerConfig({
    name: "apps/api",
    mutate: [
      "apps/api/src/routers/*.ts",
      "!apps/api/src/routers/*.test.ts",
      "apps/api/src/session-lifecycle.ts",
      "apps/api/src/registry-outbox.ts",
      "apps/api/src/admin-guard.ts",
      "apps/api/src/sign-in-limits.ts",
    ],
    concurrency: 2,
  }),
  // Every test file but those that run the API in a child process, where no mutant is ever active
  // (main, shutdown), and partition.test.ts, which asserts 2-second network timeouts that an
  // instrumented build on a loaded machine can miss for reasons that are no mutant's.
  testFiles: ["apps/api/src/**/!(main|shutdown|partition).test.ts"],
  // A static mutant (in code that runs when a module loads, such as the procedures' input schemas)
  // needs a fresh module graph and the whole suite, minutes each here; they are left out and the
  // report counts them as ignored. The input schemas have tests of their own (input-schemas.test.ts).
  ignoreStatic: true,
};
