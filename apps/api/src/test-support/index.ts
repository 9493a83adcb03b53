export { createTestHarness, testConfig, testJwtSecret, type TestHarness } from "./harness.js";
