// Tests see a developer's .env too (variables already set win): with DATABASE_URL / REDIS_URL in it,
// they run on those servers, each test file in a database of its own (see README, "Run the tests").
import "../../packages/db/src/load-env-file.js";
// With REQUIRE_SERVICES=1 (CI's real-services pass) a missing DATABASE_URL / REDIS_URL fails the run.
import "../../packages/db/src/test-services.js";

import { defineConfig } from "vitest/config";

export default defineConfig({
  // resolve workspace packages to their TypeScript sources (see the "source" export condition)
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
});
