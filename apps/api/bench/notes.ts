// The notes app in the benchmark (issue #10): the example specialist, built, as a process of its own
// beside the two API instances, on the benchmark's database (its own schema, migrated here with
// the notes app's own `db:migrate`, as an operator would), the same Redis (read only: it writes
// no key, so the benchmark's clean-up has nothing of its to delete) and the identity's EdDSA tokens,
// checked with the public keys the first API instance publishes. The API does not depend on the
// notes package (notes depends on the API's server kit), so its calls are made by URL here, through
// tRPC's untyped client.
import { execFileSync } from "node:child_process";

import { createTRPCUntypedClient, httpLink } from "@trpc/client";
import superjson from "superjson";

import { notesDir } from "./paths.js";

/** The member's notes: notes.list (target 8) answers these, newest first. */
export const notesOfMember = ["buy milk", "call the bank about the card", "book the train for Friday"];

/** What notes runs with, as the results show it (no secret; the URLs are the run's own). */
export function notesSettings(databaseUrl: string, redisUrl: string, apiUrl: string) {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    // plain HTTP is accepted in production for a loopback identity only, which this is
    AUTH_JWKS_URL: `${apiUrl}/.well-known/jwks.json`,
    IDENTITY_URL: `${apiUrl}/trpc`,
  };
}

/** Creates the notes schema in the benchmark's database (production's notes does not migrate on start). */
export function migrateNotes(databaseUrl: string) {
  execFileSync("pnpm", ["--silent", "db:migrate"], {
    cwd: notesDir,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** tRPC's client for the notes app (`fetch`: targets.ts records the request it sends). */
const notesClient = (notesUrl: string, headers: Record<string, string>, fetch?: typeof globalThis.fetch) =>
  createTRPCUntypedClient({
    links: [httpLink({ url: `${notesUrl}/trpc`, transformer: superjson, headers, ...(fetch ? { fetch } : {}) })],
  });

/** Writes `notesOfMember` as the member (the token's user), over HTTP, as a client would. */
export async function seedNotes(notesUrl: string, headers: Record<string, string>) {
  const client = notesClient(notesUrl, headers);
  for (const text of notesOfMember) await client.mutation("notes.create", { text });
}

export const listNotes = (notesUrl: string, headers: Record<string, string>, fetch?: typeof globalThis.fetch) =>
  notesClient(notesUrl, headers, fetch).query("notes.list");
