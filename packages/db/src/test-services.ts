// Which real services the tests must have. Without DATABASE_URL / REDIS_URL the tests run on the
// embedded database and the in-process registry, and the few that need a real server skip with a
// NOTICE: right for a laptop, wrong for CI's real-services pass, where a forgotten variable would
// quietly skip those suites and stay green. With REQUIRE_SERVICES=1 (set only in that pass, see
// .ci/run) a missing URL is an error instead: every package's vitest.config.ts imports this module,
// so the run stops before any test, naming the variables.
const serviceVariables = ["DATABASE_URL", "REDIS_URL"] as const;

/** The service variables that are required (REQUIRE_SERVICES=1) but unset or blank. */
export function missingTestServices(env: Record<string, string | undefined>): string[] {
  if (env.REQUIRE_SERVICES !== "1") return [];
  return serviceVariables.filter((name) => !env[name]);
}

const missing = missingTestServices(process.env);
if (missing.length > 0) {
  throw new Error(
    `REQUIRE_SERVICES=1 but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: ` +
      "the suites that need a real PostgreSQL / Redis would be skipped. Set the URLs, or unset REQUIRE_SERVICES.",
  );
}
