import { afterAll, beforeAll, describe } from "vitest";
import { runSessionRegistryContract } from "./session-registry.contract.js";
import type { SessionRegistry } from "./session-registry.js";
import { createTestRedis, type TestRedis } from "./testing.js";

describe("Redis session registry", () => {
  let testRedis: TestRedis;
  let registry: SessionRegistry;
  beforeAll(async () => {
    testRedis = await createTestRedis();
    registry = testRedis.createRegistry();
  });
  afterAll(() => testRedis.cleanup());

  runSessionRegistryContract(() => registry);
});
