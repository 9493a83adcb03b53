// The zero-setup database: PGlite (Postgres compiled to wasm) behind a Postgres wire-protocol
// socket on 127.0.0.1, so the app reaches it through the very same `@prisma/adapter-pg` path as a
// real server. Limits, and how they are handled:
//  - PGlite serves one connection correctly (more interleave transactions: pglite #1046, #977),
//    so the socket serves one connection at a time and clients must use a pool of one
//    (`poolMax`). A new connection waits (up to 10 s) for the previous one to be gone instead of
//    being refused: pools replace a connection (e.g. after an error) before the server has seen
//    the old one close, and the migration engine hands over to the app the same way.
//  - PGlite has no lock on its data directory and two processes on one directory silently lose
//    writes, so we take one (a pid file) and refuse a second process with a clear message.
//  - A data directory is only opened if it is ours (a marker file), so a corrupt, foreign or
//    half-deleted directory gives an error that says what to do, never a silently empty database.
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server, Socket } from "node:net";
import { join } from "node:path";

import type { PGLiteSocketServer as PGLiteSocketServerClass } from "@electric-sql/pglite-socket";

import { type DatabaseTimeouts, embeddedDatabaseTimeouts } from "./client.js";

export interface EmbeddedPostgres {
  url: string;
  /** Clients must not open more connections than this. */
  poolMax: 1;
  /** Clients wait longer here than on a server (one connection, queued calls; see client.ts). */
  timeouts: DatabaseTimeouts;
  /** Where the data lives; undefined when in memory. */
  dataDir: string | undefined;
  /** Whether this start created the database (false: reopened existing data). */
  isNew: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory for the data; undefined keeps everything in memory. */
  dataDir?: string;
  /** A snapshot made by `dumpDataDir` to start from (in-memory databases only). */
  snapshot?: Blob;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const markerFile = "platform-identity.json";
const lockFile = "owner.pid";
const pgdata = "pgdata";

function describeFsError(error: unknown, dataDir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EROFS" || code === "EPERM" || code === "ENOTDIR" || code === "ENOENT") {
    return new EmbeddedPostgresError(
      `Cannot write to the data directory ${dataDir} (${code}): make it writable, set DATA_DIR to a writable directory, or set DATABASE_URL to use a PostgreSQL server.`,
    );
  }
  return error;
}

/**
 * What a data directory holds: nothing yet (absent, or only a lock file: a database being created),
 * an embedded database of this project (its marker), or something else.
 */
export function dataDirContents(dataDir: string): "nothing" | "database" | "foreign" {
  const entries = existsSync(dataDir) ? readdirSync(dataDir) : [];
  if (entries.includes(markerFile)) return "database";
  return entries.every((entry) => entry.startsWith(lockFile)) ? "nothing" : "foreign";
}

/** The pid of the running process that holds the directory's lock, or undefined when none does. */
export function embeddedDatabaseHolder(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, lockFile), "utf8"));
  } catch {
    return undefined;
  }
  return pid && isRunning(pid) ? pid : undefined;
}

/** Refuses directories that are not ours, or ours but without their data. */
function checkDataDir(dataDir: string): { isNew: boolean } {
  const contents = dataDirContents(dataDir);
  const hasMarker = contents === "database";
  if (contents === "foreign") {
    throw new EmbeddedPostgresError(
      `${dataDir} exists but is not an embedded database of this project (no ${markerFile}). Move it away or set DATA_DIR to another directory.`,
    );
  }
  if (hasMarker && !existsSync(join(dataDir, pgdata, "PG_VERSION"))) {
    throw new EmbeddedPostgresError(
      `The embedded database in ${dataDir} is incomplete (${pgdata}/ is missing or damaged). Refusing to start on an empty database: restore it from a backup, or delete ${dataDir} to start afresh.`,
    );
  }
  return { isNew: !hasMarker };
}

/** Takes the directory for this process, or explains who has it. Returns the release function. */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, lockFile);
  for (;;) {
    // the pid is written to a file of our own, then linked into place: link() fails if the lock
    // exists, so no other process can ever read a lock file without its pid in it
    const candidate = `${path}.${process.pid}`;
    try {
      writeFileSync(candidate, String(process.pid));
      linkSync(candidate, path);
      return () => {
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw describeFsError(error, dataDir);
    } finally {
      rmSync(candidate, { force: true });
    }
    const pid = embeddedDatabaseHolder(dataDir);
    if (pid) {
      const who = pid === process.pid ? "this process already" : `another process (pid ${pid})`;
      throw new EmbeddedPostgresError(
        `The embedded database in ${dataDir} is in use by ${who}. Stop that process first (the embedded database serves one process), or set DATA_DIR to another directory.`,
      );
    }
    rmSync(path, { force: true }); // left behind by a process that has ended
  }
}

/** Whether a process with this pid is alive (EPERM: alive, someone else's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

type SocketServer = PGLiteSocketServerClass;

/**
 * maxConnections MUST stay 1 (more interleave protocol messages and transactions). The stock
 * server refuses a connection while another is open; this one makes it wait for its turn.
 */
function createSingleConnectionServer(server: SocketServer): SocketServer {
  const queued = server as unknown as { handleConnection(socket: Socket): Promise<void>; server: Server | null };
  const handleConnection = queued.handleConnection.bind(server);
  const start = server.start.bind(server);
  server.start = async () => {
    await start();
    // it also sets net.Server#maxConnections to 1, which makes Node drop the waiting sockets
    if (queued.server) queued.server.maxConnections = 64;
  };
  queued.handleConnection = async (socket) => {
    for (let waited = 0; server.getStats().activeConnections > 0 && waited < 10_000 && !socket.destroyed; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return handleConnection(socket);
  };
  return server;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const { dataDir } = options;

  let release = () => {};
  let isNew = true;
  if (dataDir) {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw describeFsError(error, dataDir);
    }
    release = lockDataDir(dataDir);
    try {
      isNew = checkDataDir(dataDir).isNew;
    } catch (error) {
      release();
      throw error;
    }
  }

  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create({
      ...(dataDir ? { dataDir: join(dataDir, pgdata) } : {}),
      ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
    });
    if (dataDir && isNew) {
      writeFileSync(
        join(dataDir, markerFile),
        `${JSON.stringify({ createdAt: new Date().toISOString(), engine: "pglite" }, null, 2)}\n`,
      );
    }
  } catch (error) {
    release();
    if (error instanceof EmbeddedPostgresError) throw error;
    const fsError = describeFsError(error, dataDir ?? "(memory)");
    if (fsError instanceof EmbeddedPostgresError) throw fsError;
    throw new EmbeddedPostgresError(
      `The embedded database${dataDir ? ` in ${dataDir}` : ""} could not be opened (${(error as Error).message}). If the directory is damaged, restore it from a backup or delete it to start afresh.`,
      { cause: error },
    );
  }

  const server = createSingleConnectionServer(
    new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port ?? 0, maxConnections: 1 }),
  );
  try {
    await server.start();
  } catch (error) {
    await db.close();
    release();
    throw error;
  }

  return {
    url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres`,
    poolMax: 1,
    timeouts: embeddedDatabaseTimeouts,
    dataDir,
    isNew,
    async stop() {
      await server.stop();
      await db.close();
      release();
    },
  };
}

/** A compressed copy of an in-memory database, to start others from it quickly. */
export async function snapshotEmbeddedPostgres(build: (url: string) => Promise<void>): Promise<Blob> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create();
  const server = createSingleConnectionServer(
    new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 1 }),
  );
  await server.start();
  try {
    await build(`postgresql://postgres:postgres@${server.getServerConn()}/postgres`);
  } finally {
    await server.stop();
  }
  const snapshot = await db.dumpDataDir("gzip");
  await db.close();
  return snapshot;
}
