// The notes app's client: createSpecialistClient with the notes router's types.
import type { TRPCClient } from "@trpc/client";

import type { NotesRouter } from "./router-types.js";
import { createSpecialistClient, type SpecialistClientOptions } from "./specialist-client.js";

export type NotesClient = TRPCClient<NotesRouter>;

/** `createNotesClient({ url: "http://127.0.0.1:3002/trpc", identity })`: notes, on the identity client's session. */
export function createNotesClient(options: SpecialistClientOptions): NotesClient {
  return createSpecialistClient<NotesRouter>(options);
}
