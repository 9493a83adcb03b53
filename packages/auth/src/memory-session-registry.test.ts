import { afterAll, describe } from "vitest";

import { createMemorySessionRegistry } from "./memory-session-registry.js";
import { runSessionRegistryContract } from "./session-registry.contract.js";

describe("in-process session registry", () => {
  const registry = createMemorySessionRegistry();
  afterAll(() => registry.close());
  runSessionRegistryContract(() => registry);
});
