import { describe, expect, it } from "vitest";

import { createLogger } from "./logger.js";

function collect() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => lines.push(line) } };
}

describe("createLogger", () => {
  it("writes JSON lines in production, at the configured level", () => {
    const { lines, destination } = collect();
    const logger = createLogger({ env: "production", logLevel: "warn" }, destination);
    logger.info("not at this level");
    logger.warn({ port: 3001 }, "something to look at");
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ level: 40, msg: "something to look at", port: 3001 }),
    ]);
  });

  it("writes pretty lines for people in development", () => {
    const { lines, destination } = collect();
    const logger = createLogger({ env: "development", logLevel: "info" }, destination);
    logger.debug("below the level");
    logger.warn("something to look at");
    expect(lines).toEqual([expect.stringMatching(/^\[[\d:.]+\] WARN: something to look at\n$/)]);
  });

  it("says nothing at LOG_LEVEL=silent", () => {
    const { lines, destination } = collect();
    createLogger({ env: "development", logLevel: "silent" }, destination).fatal("not even this");
    expect(lines).toEqual([]);
  });
});
