import { describe, expect, it } from "vitest";

import { redactUrl } from "./redact-url.js";

describe("redactUrl", () => {
  it.each([
    ["postgres://app:hunter2@db:5432/platform", "postgres://app:***@db:5432/platform"],
    ["redis://:hunter2@cache:6379", "redis://:***@cache:6379"],
    ["rediss://default:hunter2@cache.example:6380/0", "rediss://default:***@cache.example:6380/0"],
    // a password holding '@' or '/' (not percent-encoded) is still hidden whole
    ["postgres://app:hun@ter/2@db/platform", "postgres://app:***@db/platform"],
    // not a URL at all: still no password
    ["app:hunter2@db", "app:***@db"],
    [
      "postgres://db/platform?user=app&password=hunter2&sslmode=require",
      "postgres://db/platform?user=app&password=***&sslmode=require",
    ],
  ])("%s -> %s", (given, shown) => {
    expect(redactUrl(given)).toBe(shown);
    expect(redactUrl(given)).not.toContain("hunter2");
  });

  it.each(["postgres://app@db/platform", "redis://127.0.0.1:6379", "nope", ""])("leaves %j as it is", (given) => {
    expect(redactUrl(given)).toBe(given);
  });
});
