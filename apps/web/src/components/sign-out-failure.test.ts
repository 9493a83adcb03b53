import { describe, expect, it } from "vitest";

import { describeSignOutFailure } from "./sign-out-failure.js";

describe("describeSignOutFailure", () => {
  it("gives the reason and asks to try again", () => {
    expect(describeSignOutFailure(new Error("A backing service is unavailable"))).toBe(
      "Sign-out failed: A backing service is unavailable. Try again.",
    );
  });

  it("does not double a reason's full stop, and says something for an empty one", () => {
    expect(describeSignOutFailure(new Error("Too many requests."))).toBe(
      "Sign-out failed: Too many requests. Try again.",
    );
    expect(describeSignOutFailure("")).toBe("Sign-out failed: unknown error. Try again.");
  });
});
