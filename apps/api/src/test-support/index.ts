export {
  createTestHarness,
  credentialsOf,
  type NewTestUser,
  testConfig,
  type TestHarness,
  testJwtSecret,
  type TestUser,
  uniqueEmail,
} from "./harness.js";
export { createTestHarnessForThisTest, type TestServer, useTestHarness, useTestServer } from "./hooks.js";
export { anyDate, anyNumber, anyString, stringMatching } from "./matchers.js";
