// What the root `pnpm dev` runs with nothing configured: the identity and notes, each on an
// embedded database of its own (no lock conflict), no Redis, no keys, both on the development
// secret. A user signed in on the identity uses notes at once, and a sign-out on the identity is
// honoured by notes on the very next call (without a shared registry notes asks the identity
// about every call). Only the ports differ from `pnpm dev` (free ones, and IDENTITY_URL to match).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type ApiProcess, startApiProcess } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { identityClient, notesClient, notesEntry, stopProcesses } from "./test-support/processes.js";

describe("zero setup: the identity and notes with nothing configured", () => {
  let dataDir = "";
  const processes: ApiProcess[] = [];
  let identity: ApiProcess;
  let notes: ApiProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "zero-setup-"));
    identity = await startApiProcess(
      { NODE_ENV: "development", DATA_DIR: join(dataDir, "identity"), LOG_LEVEL: "warn" },
      120_000,
    );
    processes.push(identity);
    notes = await startApiProcess(
      {
        NODE_ENV: "development",
        NOTES_PORT: "0",
        NOTES_DATA_DIR: join(dataDir, "notes"),
        IDENTITY_URL: `${identity.url}/trpc`,
        LOG_LEVEL: "warn",
      },
      120_000,
      notesEntry,
    );
    processes.push(notes);
  }, 300_000);

  afterAll(async () => {
    await stopProcesses(processes);
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("lets a user signed in on the identity use notes at once, until they sign out there", async () => {
    const { token } = await identityClient(identity).auth.signUp.mutate({
      email: "zero-setup@example.com",
      name: "Zero",
      password: "a zero setup passphrase",
    });
    const mine = notesClient(notes, token);
    await expect(mine.notes.create.mutate({ text: "first" })).resolves.toMatchObject({ text: "first" });
    await expect(mine.notes.list.query()).resolves.toHaveLength(1);
    expect((await fetch(`${notes.url}/ready`)).status).toBe(200);

    await identityClient(identity, token).auth.signOut.mutate();
    expect(await codeOf(mine.notes.list.query())).toBe("UNAUTHORIZED");
  });
});
