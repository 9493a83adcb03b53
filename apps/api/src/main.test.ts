// The real entry point, as a process: bad configuration must stop it before it listens.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const mainPath = fileURLToPath(new URL("./main.ts", import.meta.url));

function runMain(env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=source", mainPath],
      { env: { PATH: process.env.PATH ?? "", PORT: "0", ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: child.exitCode ?? (error ? 1 : 0), output: stdout + stderr }),
    );
  });
}

describe("start-up in production", () => {
  it.each([
    ["missing", {}],
    ["short", { JWT_SECRET: "short-secret" }],
  ])("exits non-zero, naming JWT_SECRET, when it is %s, before listening", async (_, env) => {
    const { code, output } = await runMain({ NODE_ENV: "production", ...env });
    expect(code).not.toBe(0);
    expect(output).toMatch(/JWT_SECRET/);
    expect(output).not.toMatch(/listening/i);
  });
});
