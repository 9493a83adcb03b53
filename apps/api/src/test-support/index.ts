// `@platform/api/testing`: a complete API on a database and registry of its own, for the tests of
// this and other packages (e.g. the client's, which serve it over real HTTP with buildServer).
export { buildServer } from "../server.js";
export { createTestHarness, testConfig, type TestHarness, testJwtSecret } from "./harness.js";
