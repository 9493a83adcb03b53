import { createPrismaClient } from "@platform/db";
import { afterAll, describe, expect, it } from "vitest";

import { recordAudit } from "./audit-log.js";
import { captureLogs } from "./test-support/capture-logs.js";

const unreachable = createPrismaClient({ url: "postgres://postgres@127.0.0.1:1/nowhere" });
afterAll(() => unreachable.$disconnect());

describe("recordAudit", () => {
  it("a failed write does not fail the operation: it is logged as an error through the logger", async () => {
    const logs = captureLogs();
    await expect(
      recordAudit({ prisma: unreachable, logger: logs.logger }, { action: "sign_in", outcome: "success" }),
    ).resolves.toBeUndefined();
    expect(logs.at("error")).toEqual([
      expect.objectContaining({ msg: "audit: could not record sign_in/success", action: "sign_in" }),
    ]);
  });
});
