// What other packages need from the notes app: its router's types, for clients (types only,
// erased at build: no server code reaches a bundle).
export type { NotesRouter, NotesRouterInputs, NotesRouterOutputs } from "./router.js";
