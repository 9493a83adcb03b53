// `pnpm verify` as a person runs it: the script as a process, against a real API over HTTP.
import { execFile } from "node:child_process";
import { type AddressInfo, createServer } from "node:net";
import { fileURLToPath } from "node:url";

import { seedAdmin } from "@platform/api";
import { useTestServer } from "@platform/api/testing";
import { beforeAll, describe, expect, it } from "vitest";

const scriptPath = fileURLToPath(new URL("./verify.ts", import.meta.url));
const admin = { email: "admin@example.com", password: "correct-horse-battery-staple" };
const api = useTestServer();
let base: string; // http://127.0.0.1:<port>, no path
let port: string;

beforeAll(async () => {
  await seedAdmin(api.h.deps.prisma, admin);
  base = new URL(api.url).origin;
  port = new URL(api.url).port;
});

function verify(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=source", scriptPath, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: child.exitCode ?? (error ? 1 : 0), output: stdout + stderr });
      },
    );
  });
}

const oneLine = (output: string) => {
  expect(output.trim().split("\n")).toHaveLength(1);
  expect(output).not.toMatch(/\n\s+at /);
  return output.trim();
};

describe("pnpm verify", () => {
  it.each([
    ["the tRPC endpoint", "/trpc"],
    ["the API's base URL", ""],
    ["the API's base URL with a slash", "/"],
  ])("signs in, lists users and signs out, given %s", async (_, path) => {
    const { code, output } = await verify([`${base}${path}`]);
    expect(output).toMatch(/signed in as admin@example\.com \(roles: admin/);
    expect(output).toMatch(/users\.list: 1 user\(s\): admin@example\.com/);
    expect(output).toMatch(/signed out/);
    expect(code).toBe(0);
  });

  it("without a URL, uses PORT", async () => {
    const { code, output } = await verify([], { PORT: port });
    expect(output).toMatch(/signed in as admin@example\.com/);
    expect(code).toBe(0);
  });

  it("an API that is not running: one line, exit 1", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => {
          resolve(port);
        });
      });
    });
    const { code, output } = await verify([`http://127.0.0.1:${closedPort}`]);
    expect(oneLine(output)).toBe(
      `Cannot reach the API at http://127.0.0.1:${closedPort}/trpc (ECONNREFUSED): is it running? (pnpm start, or pnpm dev)`,
    );
    expect(code).toBe(1);
  });

  it("a URL with no tRPC endpoint: one line that suggests /trpc, exit 1", async () => {
    const { code, output } = await verify([`${base}/api`]);
    expect(oneLine(output)).toBe(`No tRPC endpoint at ${base}/api (did you mean ${base}/trpc?)`);
    expect(code).toBe(1);
  });

  it("wrong credentials: one line naming the variables, exit 1", async () => {
    const { code, output } = await verify([base], { ADMIN_PASSWORD: "not-the-password" });
    expect(oneLine(output)).toBe(
      "Invalid credentials for admin@example.com: set ADMIN_EMAIL and ADMIN_PASSWORD to the admin the API was started with",
    );
    expect(code).toBe(1);
  });
});
