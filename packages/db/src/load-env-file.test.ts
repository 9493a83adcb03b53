import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, describe, expect, it } from "vitest";

import { envFilePath, loadEnvFile } from "./load-env-file.js";
import { repoRoot } from "./paths.js";

const scratch = mkdtempSync(join(tmpdir(), "env-file-"));
const names = ["ENV_FILE_TEST_FROM_FILE", "ENV_FILE_TEST_ALREADY_SET", "ENV_FILE_TEST_QUOTED"];
afterEach(() => {
  for (const name of names) Reflect.deleteProperty(process.env, name);
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("loadEnvFile", () => {
  it("reads .env at the repository root by default", () => {
    expect(envFilePath).toBe(join(repoRoot, ".env"));
  });

  it("adds the file's variables, and a variable already set keeps its value", () => {
    const path = join(scratch, ".env");
    writeFileSync(
      path,
      [
        "# a comment",
        "ENV_FILE_TEST_FROM_FILE=from-file",
        "ENV_FILE_TEST_ALREADY_SET=from-file",
        'ENV_FILE_TEST_QUOTED="a # not a comment"',
      ].join("\n"),
    );
    process.env.ENV_FILE_TEST_ALREADY_SET = "from-environment";
    expect(loadEnvFile(path)).toBe(true);
    expect(process.env.ENV_FILE_TEST_FROM_FILE).toBe("from-file");
    expect(process.env.ENV_FILE_TEST_ALREADY_SET).toBe("from-environment");
    expect(process.env.ENV_FILE_TEST_QUOTED).toBe("a # not a comment");
  });

  it("a missing file is normal: nothing loaded, nothing thrown", () => {
    expect(loadEnvFile(join(scratch, "no-such.env"))).toBe(false);
  });

  it("a path that cannot be read as a file is an error, not silently skipped", () => {
    expect(() => loadEnvFile(scratch)).toThrow();
  });
});
