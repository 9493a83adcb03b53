// Mutation testing of @platform/auth (`pnpm test:mutation:auth`, see README "Mutation testing").
// Paths are from the repository root: Stryker runs there (stryker.base.mjs says why).
import { strykerConfig } from "../../stryker.base.mjs";

export default strykerConfig({
  name: "packages/auth",
  mutate: [
    "packages/auth/src/**/*.ts",
    "!packages/auth/src/**/*.test.ts",
    // test support shipped to other packages: the contract suites and `@platform/auth/testing`
    "!packages/auth/src/**/*.contract.ts",
    "!packages/auth/src/testing.ts",
    "!packages/auth/src/test-support/**",
  ],
  concurrency: 2,
});
