// Importing this module loads a developer's settings from `.env` at the repository root (copy
// `.env.example` to start one). Every entry point a developer runs imports it, so they all see the
// same settings: `pnpm dev`, `pnpm start` and `pnpm bench` (`--import @platform/db/load-env-file`),
// the Prisma CLI (prisma.config.ts), `pnpm db:seed` and the tests
// (every package's vitest.config.ts).
//
// Model: a variable already set in the environment wins over the file, so `PORT=3002 pnpm dev`
// and CI's variables mean what they say; a missing `.env` is normal and prints nothing. It lives in
// @platform/db because every tool here depends on this package, which already owns `repoRoot`.
//
// Limits: Node's parser (process.loadEnvFile, Node 20.12+), so no `${VAR}` expansion. The API's
// own entry (apps/api/src/main.ts) does not load the file: a process started with an explicit
// environment, as the tests start it, gets exactly that environment.
import { join } from "node:path";

import { repoRoot } from "./paths.js";

export const envFilePath = join(repoRoot, ".env");

/** Loads `path` into process.env, leaving variables that are already set alone; false when there is no such file. */
export function loadEnvFile(path: string = envFilePath): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

loadEnvFile();
