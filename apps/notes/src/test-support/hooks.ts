// The notes harness in a test file's life cycle (vitest hooks), beside the file's test identity.
import type { TestServer } from "@platform/api/testing";
import { afterAll, beforeAll } from "vitest";

import { buildServer } from "../server.js";
import { createNotesHarness, type NotesHarness } from "./harness.js";

/**
 * The file's notes harness, beside `identity` (from useTestServer, called first): created before
 * the file's first test, closed after its last (before the identity: hooks run in reverse). `env`
 * is read once the identity listens (e.g. its JWKS URL).
 */
export function useNotesHarness(identity: TestServer, env: () => Record<string, string> = () => ({})): NotesHarness {
  let current: NotesHarness | undefined;
  beforeAll(async () => {
    current = await createNotesHarness(identity, env());
  });
  afterAll(() => current?.close());
  const harness = () => {
    if (!current) throw new Error("useNotesHarness: the harness exists once beforeAll has run");
    return current;
  };
  return new Proxy({} as NotesHarness, { get: (_, member) => harness()[member as keyof NotesHarness] });
}

export interface NotesTestServer {
  n: NotesHarness;
  /** The notes tRPC endpoint, `http://127.0.0.1:<port>/trpc`, once beforeAll has run. */
  readonly url: string;
}

/** The file's notes harness served over real HTTP on a free port, beside a served test identity. */
export function useNotesTestServer(identity: TestServer): NotesTestServer {
  const n = useNotesHarness(identity);
  let server: Awaited<ReturnType<typeof buildServer>> | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    server = await buildServer(n.deps);
    url = `${await server.listen({ host: "127.0.0.1", port: 0 })}/trpc`;
  });
  afterAll(() => server?.close());
  return {
    n,
    get url() {
      if (!url) throw new Error("useNotesTestServer: the server listens once beforeAll has run");
      return url;
    },
  };
}
