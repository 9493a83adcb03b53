export {
  createTestHarness,
  type NewTestUser,
  testConfig,
  type TestHarness,
  testJwtSecret,
  type TestUser,
  uniqueEmail,
} from "./harness.js";
export { createTestHarnessForThisTest, useTestHarness } from "./hooks.js";
export { anyDate, anyNumber, anyString, stringMatching } from "./matchers.js";
