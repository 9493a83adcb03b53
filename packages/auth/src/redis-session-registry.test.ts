import { afterAll, beforeAll, describe } from "vitest";

import { runSessionRegistryContract } from "./session-registry.contract.js";
import type { SessionRegistry } from "./session-registry.js";
import { createTestRedis, type TestRedis } from "./testing.js";

const hasRedis = Boolean(process.env.REDIS_URL);
if (!hasRedis) console.warn("NOTICE: Redis session registry tests skipped: set REDIS_URL=redis://... to run them.");

describe.runIf(hasRedis)("Redis session registry", () => {
  let testRedis: TestRedis;
  let registry: SessionRegistry;
  beforeAll(async () => {
    testRedis = await createTestRedis();
    registry = testRedis.createRegistry();
  });
  afterAll(() => testRedis.cleanup());

  runSessionRegistryContract(() => registry);
});
