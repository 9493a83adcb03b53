// Which missing services skip the browser tests (and, with REQUIRE_SERVICES=1, fail them): both,
// each on its own, and none. Runs everywhere, also where the browser tests themselves skip.
import { describe, expect, it } from "vitest";

import { missingBrowserTestServices } from "./environment.js";

describe("missingBrowserTestServices", () => {
  const databaseUrl = "postgres://postgres@127.0.0.1:5432/postgres";

  it("needs nothing more with a database server and Chromium", () => {
    expect(missingBrowserTestServices({ DATABASE_URL: databaseUrl }, true)).toEqual([]);
  });

  it("names DATABASE_URL when it is unset or blank", () => {
    for (const env of [{}, { DATABASE_URL: "" }]) {
      expect(missingBrowserTestServices(env, true)).toEqual([expect.stringContaining("DATABASE_URL is not set")]);
    }
  });

  it("names Chromium, and how to install it, when it is missing", () => {
    expect(missingBrowserTestServices({ DATABASE_URL: databaseUrl }, false)).toEqual([
      expect.stringContaining("apt-get install -y chromium"),
    ]);
  });
});
