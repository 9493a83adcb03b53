// What other packages need from the identity API, and nothing else:
//   - for clients (types only, erased at build: no server code reaches a bundle): the router's
//     types and the error data every procedure may send;
//   - for the root seed script (prisma/seed.ts): the configuration and the idempotent admin seed.
// Tests of other packages use `@platform/api/testing` (test-support/index.ts).
export { type Config, ConfigError, loadConfig } from "./config.js";
export type { AppRouter, RouterInputs, RouterOutputs } from "./router.js";
export { adminSeedProblem, seedAdmin } from "./seed-admin.js";
export type { MaxBatchSize } from "./server.js";
export type { PublicUser } from "./user-select.js";
export type { IssuedTokens, JsonValue, Page } from "./wire-types.js";
export type { ErrorData, ErrorShape, InputIssue, UnauthorizedReason } from "@platform/auth";
