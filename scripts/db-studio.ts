// `pnpm db:studio`: Prisma Studio (`prisma studio --browser none`, extra arguments such as
// `--port 5556` passed on) on the database the API would use.
// The settings are the API's own (loadConfig: .env, DATABASE_URL, DATA_DIR, NODE_ENV's refusal of
// the embedded database in production), so Studio opens what the API would:
//   DATABASE_URL set  Studio on that server, as before.
//   otherwise         the embedded database in DATA_DIR (default .data/ at the repository root),
//                     opened with the API's own lock so the two never open it at once, served
//                     on a 127.0.0.1 socket for Studio, and closed cleanly on Ctrl-C / SIGTERM
//                     (or when Studio ends).
// Exit 1 with one sentence saying what to do when the directory is held (by `pnpm dev`, usually),
// or holds no database yet: Studio does not create one, since an empty database without the
// API's migrations and admin would only hide the real one; `pnpm dev` creates and migrates it.
// Studio only reads the schema it finds: it does not migrate (the API does on start).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";

import { type Config, ConfigError, loadConfig } from "@platform/api";
import {
  dataDirContents,
  embeddedDatabaseHolder,
  type EmbeddedPostgres,
  EmbeddedPostgresError,
  repoRoot,
  startEmbeddedPostgres,
} from "@platform/db";

const prismaCli = join(
  dirname(createRequire(join(repoRoot, "package.json")).resolve("prisma/package.json")),
  "build/index.js",
);

function startStudio(args: string[]): ChildProcess {
  return spawn(process.execPath, [prismaCli, "studio", "--browser", "none", ...args, ...process.argv.slice(2)], {
    cwd: repoRoot,
    stdio: "inherit",
  });
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** "pid 123 (node …/main.ts)" for the process named in the lock file, or undefined when none is running. */
function describeHolder(dataDir: string): string | undefined {
  const pid = embeddedDatabaseHolder(dataDir);
  if (!pid) return undefined;
  try {
    // Linux only (elsewhere the pid alone): the program and the script it runs, and where, e.g.
    // "node … src/main.ts in …/apps/api" for the API (the full line is mostly tsx's loader flags)
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const [program = "?", ...args] = argv;
    const command = args.length > 1 ? `${basename(program)} … ${args.at(-1)}` : [program, ...args].join(" ");
    return `pid ${pid} (${command} in ${readlinkSync(`/proc/${pid}/cwd`)})`;
  } catch {
    return `pid ${pid}`;
  }
}

function heldMessage(dataDir: string, holder: string): string {
  return `The embedded database in ${dataDir} is held by ${holder}, most likely the API under \`pnpm dev\` (the embedded database serves one process): stop it and run \`pnpm db:studio\` again, or set DATABASE_URL to a PostgreSQL server, or read the data through the API while it runs.`;
}

async function openEmbedded(dataDir: string): Promise<EmbeddedPostgres> {
  // no marker and nothing else: no database yet (a directory with other files is left to
  // startEmbeddedPostgres, which refuses it with its own message)
  if (dataDirContents(dataDir) === "nothing") {
    const holder = describeHolder(dataDir);
    if (holder) fail(heldMessage(dataDir, holder)); // the API creating it right now
    fail(
      `There is no embedded database in ${dataDir} yet: run \`pnpm dev\` once (the API creates and migrates it), or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  try {
    return await startEmbeddedPostgres({ dataDir });
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresError)) throw error;
    if (/ is in use by /.test(error.message)) fail(heldMessage(dataDir, describeHolder(dataDir) ?? "another process"));
    fail(error.message);
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (config.database.kind === "server") {
    // as before: Studio reads DATABASE_URL through prisma.config.ts
    const studio = startStudio([]);
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => studio.kill(signal));
    studio.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }

  const { dataDir } = config.database;
  const db = await openEmbedded(dataDir);
  console.log(`Prisma Studio on the embedded database in ${dataDir} (Ctrl-C stops it and closes the database).`);
  // Studio's driver (postgres.js, created from the URL alone) opens up to 10 connections and
  // pipelines queries on each; the embedded database serves one connection at a time (see
  // embedded-postgres.ts), so Studio's page would hang on the second. postgres.js takes these
  // two options from the URL's query (and does not send them to the server).
  const url = new URL(db.url);
  url.searchParams.set("max", "1");
  url.searchParams.set("max_pipeline", "1");
  const studio = startStudio(["--url", url.toString()]);

  let closing: Promise<void> | undefined;
  // the database is closed only once Studio has gone, so no connection of its is cut mid-write
  const close = (code: number) =>
    (closing ??= (async () => {
      if (studio.exitCode === null && studio.signalCode === null) {
        const exited = new Promise((done) => studio.once("exit", done));
        studio.kill("SIGTERM");
        await exited;
      }
      await db.stop();
      process.exit(code);
    })());
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void close(0));
  studio.on("exit", (code) => void close(code ?? 0));
}

await main();
