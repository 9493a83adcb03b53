// Tests see a developer's .env too (variables already set win), as in apps/api (see README, "Run the tests").
import "../../packages/db/src/load-env-file.js";
// With REQUIRE_SERVICES=1 (CI's real-services pass) a missing DATABASE_URL / REDIS_URL fails the run.
import "../../packages/db/src/test-services.js";

import { defineConfig } from "vitest/config";

export default defineConfig({
  // resolve workspace packages to their TypeScript sources (see the "source" export condition)
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    // the app's logic only (*.test.ts beside it); the browser tests have a runner of their own
    include: ["src/**/*.test.ts", "*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
