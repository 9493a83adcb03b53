// The browser tests: the built web app in Chromium against a real API process. One file at a time
// (each starts an API, builds a bundle and launches a browser; the machine is small), with time
// for the start-up. `pnpm --filter @platform/web test` runs them alone.
// Tests see a developer's .env too (variables already set win), as every package's tests do.
import "../../../packages/db/src/load-env-file.js";
// With REQUIRE_SERVICES=1 (CI's real-services pass) a missing DATABASE_URL / REDIS_URL fails the run.
import "../../../packages/db/src/test-services.js";

import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // resolve workspace packages to their TypeScript sources (see the "source" export condition)
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
