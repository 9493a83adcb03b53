// The notes app's real entry point as a process: it refuses production's unsafe defaults before it
// opens anything, and with nothing configured it starts on an embedded database of its own, on
// NOTES_PORT when told to (as the root `pnpm dev` tells it), answers its probes and stops on SIGTERM.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { startApiProcess } from "@platform/api/testing";
import { describe, expect, it, onTestFinished } from "vitest";

import { notesEntry } from "./test-support/processes.js";

const exec = promisify(execFile);

describe("main", () => {
  it("refuses production's development stand-ins, listing them, and exits 1 before listening", async () => {
    const run = exec(process.execPath, ["--import", "tsx", "--conditions=source", notesEntry.mainPath], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", PORT: "0" },
    });
    const failure = (await run.then(
      () => {
        throw new Error("the process started");
      },
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/AUTH_JWKS_URL .* or JWT_SECRET .* is required in production/);
    expect(failure.stderr).toMatch(/DATABASE_URL is required in production/);
    expect(failure.stdout).not.toMatch(/listening/);
  });

  it("with nothing configured: embedded data of its own, NOTES_PORT beside the identity, probes, SIGTERM", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "notes-main-"));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const notes = await startApiProcess(
      // PORT is the identity's under `pnpm dev`: one it cannot listen on proves it is not read;
      // the identity is down (nothing listens on port 1)
      {
        NODE_ENV: "development",
        NOTES_PORT: "0",
        PORT: "1",
        NOTES_DATA_DIR: dataDir,
        IDENTITY_URL: "http://127.0.0.1:1/trpc",
        LOG_LEVEL: "warn",
      },
      120_000,
      notesEntry,
    );
    onTestFinished(() => {
      notes.child.kill("SIGKILL");
    });
    expect(notes.output()).toMatch(/notes migrations applied: \d+_notes/);
    expect(notes.output()).toMatch(/using the development-only secret/);
    expect(await readdir(dataDir)).toContain("pgdata");

    const health = await fetch(`${notes.url}/health`);
    expect(health.status).toBe(200);
    // without Redis the identity stands for the registry: it is down, so notes is not ready
    const ready = await fetch(`${notes.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable", checks: { database: "ok", registry: "down" } });
    notes.child.kill("SIGTERM");
    expect(await notes.exited).toEqual({ code: 0, signal: null });
  }, 150_000); // an embedded database starting on a busy machine (CI runs packages side by side)
});
