// The platform's apps as real processes, for the tests that run it as an operator would
// (platform.test.ts, zero-setup.test.ts): the notes entry point, and typed clients of each app
// over HTTP with a bearer token.
import { fileURLToPath } from "node:url";

import type { AppRouter } from "@platform/api";
import type { ApiProcess, ProcessEntry } from "@platform/api/testing";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

import type { NotesRouter } from "../index.js";

/** notes' src/main.ts; it listens on NOTES_PORT, as under the root `pnpm dev`. */
export const notesEntry: ProcessEntry = {
  mainPath: fileURLToPath(new URL("../main.ts", import.meta.url)),
  args: ["--port-variable=NOTES_PORT"],
  listening: /Notes listening on (http:\/\/\S+)/,
};

const linkTo = (process: ApiProcess, token: string | undefined) =>
  httpLink({
    url: `${process.url}/trpc`,
    transformer: superjson,
    headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
  });

export const identityClient = (process: ApiProcess, token?: string): TRPCClient<AppRouter> =>
  createTRPCClient<AppRouter>({ links: [linkTo(process, token)] });

export const notesClient = (process: ApiProcess, token?: string): TRPCClient<NotesRouter> =>
  createTRPCClient<NotesRouter>({ links: [linkTo(process, token)] });

/** Stops every process (SIGTERM) and waits for their exits. */
export async function stopProcesses(processes: readonly ApiProcess[]): Promise<void> {
  for (const process of processes) process.child.kill("SIGTERM");
  await Promise.all(processes.map((process) => process.exited));
}
