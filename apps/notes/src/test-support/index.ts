// `@platform/notes/testing`: the notes app on a database of its own, beside a test identity, for
// the tests of this and other packages (the client's serve both over real HTTP).
export { createNotesHarness, createNotesTestDeps, type NotesHarness, testNotesConfig } from "./harness.js";
export { type NotesTestServer, useNotesHarness, useNotesTestServer } from "./hooks.js";
export { createNotesTestDatabase, type NotesTestDatabase } from "./test-database.js";
