// Whether the browser tests can run here. They need a PostgreSQL server (DATABASE_URL: the API
// runs as a process of its own, on a database made for the file) and Debian's Chromium. Without
// them they skip with a NOTICE, as the repo's other suites that need a server do
// (packages/db/src/test-services.ts); with REQUIRE_SERVICES=1 (CI's real-services pass) a missing
// one fails the file instead, so that CI never goes green on browser tests that did not run.
import { existsSync } from "node:fs";

/** Debian's package (`apt-get install chromium`, which .ci/run does); playwright-core drives it. */
export const chromiumPath = "/usr/bin/chromium";

export interface BrowserTestServices {
  /** The PostgreSQL server the file's own database is created on. */
  serverUrl: string;
}

/** What the tests need that is missing here, as sentences saying how to get it. */
export function missingBrowserTestServices(env: Record<string, string | undefined>, hasChromium: boolean): string[] {
  const missing: string[] = [];
  if (!env.DATABASE_URL) missing.push("DATABASE_URL is not set (a PostgreSQL server: postgres://...)");
  if (!hasChromium) missing.push(`${chromiumPath} is missing (apt-get install -y chromium; .ci/run does)`);
  return missing;
}

/**
 * The services for `suite`, or undefined when they are missing: the caller skips (describe.runIf)
 * after a NOTICE. With REQUIRE_SERVICES=1 it throws instead, failing the file.
 */
export function browserTestServices(suite: string): BrowserTestServices | undefined {
  const missing = missingBrowserTestServices(process.env, existsSync(chromiumPath));
  const serverUrl = process.env.DATABASE_URL;
  if (missing.length === 0 && serverUrl) return { serverUrl };
  if (process.env.REQUIRE_SERVICES === "1") {
    throw new Error(`REQUIRE_SERVICES=1 but ${missing.join(" and ")}: the ${suite} would be skipped.`);
  }
  console.warn(`NOTICE: ${suite} skipped: ${missing.join("; ")}.`);
  return undefined;
}
