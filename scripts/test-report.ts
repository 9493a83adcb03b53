// `pnpm test:report`: runs the hardening suite (issue 8's cases: the files listed in `suite`) with
// vitest's JSON reporter and rewrites the table between the markers in README.md: one row per
// test, with its case, what is expected, and the result of this run. New tests in a listed file
// appear by themselves; a listed file that yields no test fails the run, so the list cannot rot.
//   case      the test's full name (file › describe blocks › title) up to the title's " -> " (the
//             explicit form: "<case> -> <expected>"), else up to its first ": ", which the suite's
//             titles mostly use already ("users.list: an anonymous call ... is UNAUTHORIZED")
//   expected  the rest of the title; a title without a separator states the expectation whole
//   result    passed / failed / skipped, from this run
// Exit code 1 when a test failed or a listed file yielded no test (the table is written anyway).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";

import { repoRoot } from "@platform/db";
import { format, resolveConfig } from "prettier";

/** A test file of the suite; `only` keeps the tests whose full name matches it (default: all). */
interface SuiteFile {
  path: string;
  only?: RegExp;
}

/** Issue 8's hardening cases, by package (vitest runs in each package's directory). */
const suite: Record<string, SuiteFile[]> = {
  "apps/api": [
    { path: "src/router.test.ts" }, // the access table
    { path: "src/input-schemas.test.ts" }, // NUL characters in every string input
    { path: "src/server.test.ts" }, // HTTP errors, __proto__, batch size, 503s, probes
    { path: "src/security-headers.test.ts" },
    { path: "src/sign-in-limits.test.ts" },
    { path: "src/session-lifecycle.test.ts" }, // session cap, random ids, password-change race
    { path: "src/routers/auth.test.ts" }, // mass assignment, token forgery, refresh reuse, argon2
    { path: "src/audit-log.test.ts" },
    { path: "src/routers/audit.test.ts" },
    { path: "src/config.test.ts", only: /JWT_SECRET|secret|production/ }, // secret strength
    { path: "src/partition.test.ts" }, // timeouts under a network partition
    { path: "src/registry-failures.test.ts" }, // a registry or commit failure between the steps of a change
    { path: "src/session-cache.test.ts" }, // remembered sessions: every change honoured, the race, outages (#9)
    { path: "src/registry-outbox.test.ts" },
    { path: "src/shutdown.test.ts" }, // SIGTERM under load
    { path: "src/graceful-close.test.ts" },
  ],
  "packages/auth": [
    { path: "src/tokens.test.ts" },
    { path: "src/refresh-tokens.test.ts" },
    { path: "src/password.test.ts" }, // argon2 bounds, NFC
    { path: "src/password-policy.test.ts" },
    { path: "src/transformer.test.ts" }, // __proto__
    { path: "src/service-errors.test.ts" },
  ],
};

const readme = join(repoRoot, "README.md");
const startMarker = "<!-- test-report:start -->";
const endMarker = "<!-- test-report:end -->";

interface VitestJsonReport {
  testResults: {
    name: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

interface Row {
  case: string;
  expected: string;
  result: string;
}

/** The settings this script reports, read in one place: which services the tests ran against. */
function readServices(env = process.env): string {
  const database = env.DATABASE_URL ? "a PostgreSQL server" : "embedded PostgreSQL";
  const registry = env.REDIS_URL ? "Redis" : "the in-process registry";
  return `${database} and ${registry}`;
}

/** Runs the package's listed files; vitest's usual output goes to the terminal, the JSON to a file. */
function runPackage(packageDir: string, files: SuiteFile[], outputFile: string): VitestJsonReport {
  spawnSync(
    "pnpm",
    [
      "exec",
      "vitest",
      "run",
      ...files.map((file) => file.path),
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${outputFile}`,
    ],
    { cwd: join(repoRoot, packageDir), stdio: "inherit" },
  );
  return JSON.parse(readFileSync(outputFile, "utf8")) as VitestJsonReport;
}

/** Splits a title at its " -> " (the explicit form), else its first ": ", into the case it names and what it expects. */
function splitTitle(title: string): { name: string; expected: string } {
  for (const separator of [" -> ", ": "]) {
    const at = title.indexOf(separator);
    if (at > 0) return { name: title.slice(0, at), expected: title.slice(at + separator.length) };
  }
  return { name: "", expected: title };
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function rowsOf(packageDir: string, files: SuiteFile[], report: VitestJsonReport, problems: string[]): Row[] {
  return files.flatMap((file) => {
    const absolute = join(repoRoot, packageDir, file.path);
    const tests = (report.testResults.find((result) => result.name === absolute)?.assertionResults ?? []).filter(
      (test) => !file.only || file.only.test([...test.ancestorTitles, test.title].join(" ")),
    );
    if (tests.length === 0) problems.push(`${relative(repoRoot, absolute)} yielded no test`);
    return tests.map((test) => {
      const { name, expected } = splitTitle(test.title);
      return {
        case: [basename(file.path), ...test.ancestorTitles, ...(name ? [name] : [])].join(" › "),
        expected,
        result: test.status === "pending" ? "skipped" : test.status,
      };
    });
  });
}

function renderTable(rows: Row[], services: string): string {
  const count = (result: string) => rows.filter((row) => row.result === result).length;
  return [
    startMarker,
    "",
    `Generated by \`pnpm test:report\` on ${new Date().toISOString().slice(0, 10)}, against ${services}: ` +
      `${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped.`,
    "",
    "<details><summary>The table</summary>",
    "",
    "| case | expected | result |",
    "| --- | --- | --- |",
    ...rows.map((row) => `| ${cell(row.case)} | ${cell(row.expected)} | ${row.result} |`),
    "",
    "</details>",
    "",
    endMarker,
  ].join("\n");
}

async function main(): Promise<number> {
  const services = readServices();
  const scratch = mkdtempSync(join(tmpdir(), "test-report-"));
  const rows: Row[] = [];
  const problems: string[] = [];
  try {
    for (const [packageDir, files] of Object.entries(suite)) {
      const report = runPackage(packageDir, files, join(scratch, `${basename(packageDir)}.json`));
      rows.push(...rowsOf(packageDir, files, report, problems));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const text = readFileSync(readme, "utf8");
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`README.md has no ${startMarker} … ${endMarker} section`);
  const updated = text.slice(0, start) + renderTable(rows, services) + text.slice(end + endMarker.length);
  const options = (await resolveConfig(readme)) ?? {};
  writeFileSync(readme, await format(updated, { ...options, filepath: readme }));

  const failed = rows.filter((row) => row.result === "failed");
  console.log(
    `\ntest report: ${rows.length} cases in README.md (${failed.length} failed, ` +
      `${rows.filter((row) => row.result === "skipped").length} skipped), against ${services}`,
  );
  for (const problem of problems) console.error(`test report: ${problem}`);
  return failed.length > 0 || problems.length > 0 ? 1 : 0;
}

process.exitCode = await main();
