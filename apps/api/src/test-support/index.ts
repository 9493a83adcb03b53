export { type CapturedLogs, captureLogs, type LogLine } from "./capture-logs.js";
export { createTestHarness, testConfig, type TestHarness, testJwtSecret } from "./harness.js";
