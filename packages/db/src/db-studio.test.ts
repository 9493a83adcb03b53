// `pnpm db:studio` (scripts/db-studio.ts) on the embedded database, as real processes: Studio
// serves the data of DATA_DIR under the API's lock, and refuses a directory someone else holds.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createPrismaClient } from "./client.js";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.js";
import { applyMigrations } from "./migrate.js";
import { repoRoot } from "./paths.js";

const root = mkdtempSync(join(tmpdir(), "db-studio-"));
const dataDir = join(root, "data");
const children: ChildProcess[] = [];
const opened: EmbeddedPostgres[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Runs the script as `pnpm db:studio` does, without a DATABASE_URL (an empty one counts as unset). */
function runStudio(dir: string, port: number) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=source",
      "--import",
      "@platform/db/load-env-file",
      "scripts/db-studio.ts",
      "--port",
      String(port),
    ],
    // the script reads the API's configuration: the registry variables of CI's real-services pass
    // (REDIS_URL and REDIS_CLUSTER_NODES, for different suites) would be refused together
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", REDIS_CLUSTER_NODES: "", DATA_DIR: dir },
      stdio: "pipe",
    },
  );
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) =>
    child.on("exit", (code) => {
      done(code);
    }),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Every file under `dir` with its size and modification time: equal snapshots mean untouched. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      const { size, mtimeMs } = statSync(path);
      return `${path} ${size} ${mtimeMs}`;
    })
    .sort();
}

beforeAll(async () => {
  // an embedded database as `pnpm dev` leaves it: migrated, with a user, closed
  const db = await startEmbeddedPostgres({ dataDir });
  await applyMigrations(db.url);
  const prisma = createPrismaClient({ url: db.url, poolMax: db.poolMax, timeouts: db.timeouts });
  await prisma.user.create({ data: { email: "studio@example.com", name: "Studio", passwordHash: "x" } });
  await prisma.$disconnect();
  await db.stop();
});
afterEach(async () => {
  // SIGTERM first: the script then stops Studio too (SIGKILL would leave Studio running, orphaned)
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    child.kill("SIGKILL");
  }
  for (const db of opened.splice(0)) await db.stop().catch(() => {});
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("pnpm db:studio without DATABASE_URL", () => {
  it("serves the embedded data in Studio under the API's lock, and releases it on SIGTERM", async () => {
    const port = await freePort();
    const studio = runStudio(dataDir, port);
    for (let waited = 0; !studio.output().stdout.includes(`http://localhost:${port}`); waited += 100) {
      if (waited > 50_000 || studio.child.exitCode !== null) throw new Error(JSON.stringify(studio.output()));
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(studio.output().stdout).toContain(`embedded database in ${dataDir}`);
    expect((await fetch(`http://localhost:${port}/`)).status).toBe(200);
    // Studio's own data endpoint (what its page calls) reads the embedded database's rows
    const response = await fetch(`http://localhost:${port}/bff`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ procedure: "query", query: { sql: "SELECT email FROM users", parameters: [] } }),
    });
    expect(await response.json()).toEqual([null, [{ email: "studio@example.com" }]]);
    // its page queries several things at once: each must be answered, none left waiting for a
    // second connection the embedded database will not serve
    const answers = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const answer = await fetch(`http://localhost:${port}/bff`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            procedure: "query",
            query: { sql: `SELECT pg_sleep(0.1), ${n} AS n`, parameters: [] },
          }),
          signal: AbortSignal.timeout(8_000),
        });
        return ((await answer.json()) as [unknown, { n: number }[]])[1][0]?.n;
      }),
    );
    expect(answers).toEqual([1, 2, 3, 4]);
    // the API's lock: while Studio has the directory, the API cannot open it
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/in use by another process/);

    studio.child.kill("SIGTERM");
    expect(await studio.exited).toBe(0);
    expect(existsSync(join(dataDir, "owner.pid"))).toBe(false);
    const reopened = await startEmbeddedPostgres({ dataDir });
    opened.push(reopened);
    expect(reopened.isNew).toBe(false);
  }, 90_000);

  it("exits 1 with what to do when another process holds the directory, without touching it", async () => {
    const holder = await startEmbeddedPostgres({ dataDir });
    opened.push(holder);
    const before = snapshot(dataDir);
    const studio = runStudio(dataDir, await freePort());
    expect(await studio.exited).toBe(1);
    const { stdout, stderr } = studio.output();
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^The embedded database in ${dataDir} is held by pid ${process.pid} \\(.*\\), most likely the API under \`pnpm dev\`.*: stop it and run \`pnpm db:studio\` again, or set DATABASE_URL to a PostgreSQL server, or read the data through the API while it runs\\.$`,
        ),
      ),
    ]);
    expect(snapshot(dataDir)).toEqual(before);
  }, 60_000);

  it("does not create a database where there is none, and says how to get one", async () => {
    const missing = join(root, "missing");
    const studio = runStudio(missing, await freePort());
    expect(await studio.exited).toBe(1);
    expect(studio.output().stderr).toMatch(/^There is no embedded database in .*missing yet: run `pnpm dev` once/);
    expect(existsSync(missing)).toBe(false);
  }, 60_000);
});
