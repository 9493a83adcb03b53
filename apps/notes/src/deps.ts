// Everything a notes procedure needs, created once at start-up and passed through the context:
// what authenticates a call (AuthDeps: the token verifier, the shared registry, the identity for
// registry misses; built in open-deps.ts) and the app's own database. Tests build it with their own.
import type { Logger } from "@platform/api/server-kit";
import type { AuthDeps } from "@platform/auth";

import type { NotesConfig } from "./config.js";
import type { NotesPrisma } from "./notes-database.js";

export interface NotesDeps extends AuthDeps {
  config: NotesConfig;
  prisma: NotesPrisma;
  /** The process's one logger (also Fastify's). */
  logger: Logger;
}
