import { describe, expect, it } from "vitest";

import { apiUrlFrom, refreshTokenInFrom } from "./api-config.js";

describe("the API's location", () => {
  it("is VITE_API_URL when set", () => {
    expect(apiUrlFrom("https://api.example.com/trpc", "https://app.example.com")).toBe("https://api.example.com/trpc");
  });

  it("is this origin's /trpc when unset or blank (the dev server proxies it)", () => {
    expect(apiUrlFrom(undefined, "http://localhost:5173")).toBe("http://localhost:5173/trpc");
    expect(apiUrlFrom("  ", "http://localhost:5173")).toBe("http://localhost:5173/trpc");
  });
});

describe("where the refresh token travels", () => {
  it("is the body by default, which the API's default configuration serves", () => {
    expect(refreshTokenInFrom(undefined)).toBe("body");
    expect(refreshTokenInFrom("")).toBe("body");
    expect(refreshTokenInFrom("cookie")).toBe("cookie");
  });

  it("refuses anything else, saying what it may be", () => {
    expect(() => refreshTokenInFrom("cookies")).toThrow(/"body" or "cookie", not "cookies"/);
  });
});
