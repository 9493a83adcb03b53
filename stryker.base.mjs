// Settings shared by the mutation-testing runs (`pnpm test:mutation`, see README "Mutation
// testing"). Each package that is mutation-tested has a `stryker.config.mjs` that calls this with
// the files to mutate.
//
// Stryker runs from the repository root, whatever the package: its sandbox is then a copy of the
// whole workspace, so the relative imports between packages that the vitest configs make
// (`../../packages/db/src/load-env-file.js`) still resolve, and each package's node_modules is
// symlinked into the sandbox where it belongs. Workspace packages reached through node_modules
// (`@platform/auth` from apps/api) resolve to the original sources, not the sandbox's: each run
// mutates only files that its own package's tests import by relative path, so that is what we want.

/**
 * @param {{ name: string, mutate: string[], concurrency: number }} run
 *   `name` is the package directory (`packages/auth`), used for vitest and the report paths.
 */
export function strykerConfig({ name, mutate, concurrency }) {
  const reportDir = `reports/mutation/${name.replace(/\//g, "-")}`;
  return {
    testRunner: "vitest",
    plugins: ["@stryker-mutator/vitest-runner"],
    vitest: { configFile: `${name}/vitest.config.ts`, dir: name },
    mutate,
    // Each mutant runs only the tests that executed it in the initial run.
    coverageAnalysis: "perTest",
    // The machine is small and shared: a mutant that makes a test slow is not a mutant that loops.
    concurrency,
    timeoutMS: 20_000,
    timeoutFactor: 3,
    dryRunTimeoutMinutes: 15,
    // Results of unchanged code and tests are reused on the next run; `--force` redoes everything.
    incremental: true,
    incrementalFile: `${reportDir}/incremental.json`,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `${reportDir}/index.html` },
    jsonReporter: { fileName: `${reportDir}/mutation.json` },
    clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
    thresholds: { high: 90, low: 80, break: 90 },
    // vitest does not type-check, so Stryker need not add `// @ts-nocheck` to anything.
    disableTypeChecks: false,
    // Not copied into the sandbox: build output, the embedded database's data, caches, reports.
    ignorePatterns: ["dist", ".data", ".turbo", "reports"],
  };
}
