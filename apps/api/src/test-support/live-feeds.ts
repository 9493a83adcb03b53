import { vi } from "vitest";

import type { ApiDeps } from "../deps.js";

/** Waits until every instance's change feed is subscribed, as it is long before the first call in production. */
export async function untilChangeFeedsLive(...instances: ApiDeps[]): Promise<void> {
  await vi.waitFor(
    () => {
      if (!instances.every((deps) => deps.registry.changes.isLive())) throw new Error("change feeds not live");
    },
    { timeout: 10_000 },
  );
}
