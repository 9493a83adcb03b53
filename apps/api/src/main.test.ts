// The real entry point, as a process: what a person sees when starting it.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

const mainPath = fileURLToPath(new URL("./main.ts", import.meta.url));
const nodeArgs = ["--import", "tsx", "--conditions=source", mainPath];
const scratch = mkdtempSync(join(tmpdir(), "api-main-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs main.ts to its end (it must exit by itself). */
function runMain(env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      nodeArgs,
      { env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "silent", ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: child.exitCode ?? (error ? 1 : 0), output: stdout + stderr });
      },
    );
  });
}

describe("start-up refusals", () => {
  it.each([
    ["missing", {}],
    ["short", { JWT_SECRET: "short-secret" }],
  ])("in production, exits non-zero naming JWT_SECRET when it is %s, before listening", async (_, env) => {
    const { code, output } = await runMain({ NODE_ENV: "production", ...env });
    expect(code).not.toBe(0);
    expect(output).toMatch(/JWT_SECRET/);
    expect(output).not.toMatch(/listening/i);
  });

  it("in production, refuses the embedded database and the in-process registry, saying why", async () => {
    const { code, output } = await runMain({
      NODE_ENV: "production",
      JWT_SECRET: "q7Vd2mXr9KpL4tWz8NcB1hFy6GsJ0eUa3RkPoTiY",
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/DATABASE_URL is required in production.*ALLOW_EMBEDDED=1/);
    expect(output).toMatch(/REDIS_URL is required in production.*SESSION_STORE=memory/);
  });

  it("a port already in use is a clear message, not a stack trace, before anything is created", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dataDir = join(scratch, "port");
      const { code, output } = await runMain({ PORT: String(port), DATA_DIR: dataDir });
      expect(code).not.toBe(0);
      expect(output.trim()).toBe(`Port ${port} is already in use: stop the other process or set PORT`);
      expect(existsSync(dataDir)).toBe(false); // no embedded database was created first
    } finally {
      blocker.close();
    }
  });

  it("an unreachable Redis is one clear line, without ioredis's stacks", async () => {
    const { code, output } = await runMain({ REDIS_URL: "redis://127.0.0.1:1", DATA_DIR: join(scratch, "redis") });
    expect(code).not.toBe(0);
    expect(output).toMatch(/^Cannot reach Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/m);
    expect(output).not.toMatch(/Unhandled error event|\n\s+at /);
  });

  it("an unreachable PostgreSQL is one clear line, without Prisma's framing; details at LOG_LEVEL=debug", async () => {
    const env = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" };
    const { code, output } = await runMain(env);
    expect(code).not.toBe(0);
    expect(output.trim()).toBe(
      "Cannot use PostgreSQL at DATABASE_URL=postgres://postgres@127.0.0.1:1/nowhere: Can't reach database server at 127.0.0.1:1",
    );

    const debug = await runMain({ ...env, LOG_LEVEL: "debug" });
    expect(debug.output).toMatch(/DEBUG: start-up failure details[\s\S]*Invalid `prisma\.\$queryRaw\(\)` invocation/);
  });

  it("a data directory on a read-only path is a clear message", async () => {
    const { code, output } = await runMain({ DATA_DIR: "/sys/platform-identity-data" });
    expect(code).not.toBe(0);
    expect(output).toMatch(/Cannot write to the data directory \/sys\/platform-identity-data.*DATA_DIR/);
    expect(output).not.toMatch(/\n\s+at /);
  });
});

describe("zero-setup start (no DATABASE_URL, no REDIS_URL)", () => {
  it("boots on the embedded database, says what it uses, seeds the admin, serves sign-in, and stops on SIGTERM", async () => {
    const dataDir = join(scratch, "zero-setup");
    const child = spawn(process.execPath, nodeArgs, {
      env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "info", DATA_DIR: dataDir, CORS_ORIGINS: "x" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no listening line in 30 s:\n${output}`));
      }, 30_000);
      child.stdout.on("data", () => {
        const listening = /API listening on (http:\/\/[^ ]+)/.exec(output)?.[1];
        if (listening) {
          clearTimeout(timer);
          resolve(listening);
        }
      });
    });
    expect(output).toContain(`database: embedded PostgreSQL (PGlite), data in ${dataDir}`);
    expect(output).toContain("session registry: in-process (this instance only");
    expect(output).toContain("admin created: admin@example.com / correct-horse-battery-staple");
    expect(output).toContain("CORS: any origin (development)");

    expect((await fetch(`${url}/ready`)).status).toBe(200);
    const signIn = await fetch(`${url}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { email: "admin@example.com", password: "correct-horse-battery-staple" } }),
    });
    expect(signIn.status).toBe(200);

    const exitCode = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exitCode).toBe(0);
    // operational messages go through the logger: pretty lines in development
    expect(output).toMatch(/WARN.*JWT_SECRET is not set/);
    expect(output).toMatch(
      /WARN.*CORS_ORIGINS is not a setting of this service and is ignored: did you mean CORS_ORIGIN\?/,
    );
    expect(output).toMatch(/INFO.*SIGTERM received/);
  }, 60_000);
});
