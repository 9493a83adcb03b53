import { describe, expect, it } from "vitest";

import { missingTestServices } from "./test-services.js";

describe("missingTestServices", () => {
  it("asks for nothing unless REQUIRE_SERVICES=1 (the zero-setup runs skip instead)", () => {
    expect(missingTestServices({})).toEqual([]);
    expect(missingTestServices({ REQUIRE_SERVICES: "" })).toEqual([]);
  });

  it("with REQUIRE_SERVICES=1, names each URL that is unset or blank", () => {
    expect(missingTestServices({ REQUIRE_SERVICES: "1" })).toEqual(["DATABASE_URL", "REDIS_URL"]);
    expect(missingTestServices({ REQUIRE_SERVICES: "1", DATABASE_URL: "postgres://db", REDIS_URL: "" })).toEqual([
      "REDIS_URL",
    ]);
    expect(
      missingTestServices({ REQUIRE_SERVICES: "1", DATABASE_URL: "postgres://db", REDIS_URL: "redis://r" }),
    ).toEqual([]);
  });
});
