// `@platform/api/testing`: a complete API on a database and registry of its own, for the tests of
// this and other packages (the client's serve it over real HTTP with useTestServer).
export { type ApiProcess, type LogRecord, type ProcessEntry, startApiProcess } from "./api-process.js";
export { type CapturedLogs, captureLogs, type LogLine } from "./capture-logs.js";
export {
  bodyRefreshToken,
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
export { type PrivateRedis, type PrivateRedisOptions, startPrivateRedis } from "./private-redis.js";
export { type Serving, servings } from "./servings.js";
