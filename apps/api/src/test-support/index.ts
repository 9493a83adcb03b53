export { createTestHarness, testConfig, type TestHarness, testJwtSecret } from "./harness.js";
