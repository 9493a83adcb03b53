import { describe, expect, it } from "vitest";

import { passwordLengthProblem, passwordPolicyProblem } from "./password-policy.js";

describe("passwordPolicyProblem (new passwords)", () => {
  it("accepts a passphrase, and one with spaces inside or around it", () => {
    expect(passwordPolicyProblem("a fine passphrase")).toBeNull();
    expect(passwordPolicyProblem("  padded passphrase  ")).toBeNull();
  });

  it.each([
    ["spaces", " ".repeat(12)],
    ["tabs and newlines", "\t\n\r\t\n\r\t\n"],
    ["Unicode spaces (no-break, ideographic, em)", "\u00a0\u3000\u2003\u00a0\u3000\u2003\u00a0\u3000"],
    ["control characters", "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008"],
    ["invisible format characters (zero-width, BOM)", "\u200b\u200c\u200d\ufeff\u200b\u200c\u200d\ufeff"],
    ["a mix of them", " \t\u200b\u0001 \u00a0\n\u3000"],
  ])("refuses a password of only %s", (_, password) => {
    expect(passwordPolicyProblem(password)).toMatch(/something other than spaces/);
  });

  it("refuses a password shorter than 8 or longer than 128 characters, whatever else it is", () => {
    expect(passwordPolicyProblem("short")).toBe("Password must be at least 8 characters");
    expect(passwordPolicyProblem(" ".repeat(3))).toBe("Password must be at least 8 characters");
    expect(passwordPolicyProblem("x".repeat(128))).toBeNull();
    expect(passwordPolicyProblem("x".repeat(129))).toBe("Password must be at most 128 characters");
  });

  it("counts characters after NFC normalisation, so both forms of one password get the same verdict", () => {
    const typedDecomposed = (composed: string) => composed.normalize("NFD");
    expect(typedDecomposed("\u00e9".repeat(128))).toHaveLength(256);
    expect(passwordLengthProblem(typedDecomposed("\u00e9".repeat(128)))).toBeNull();
    expect(typedDecomposed("\u00e9".repeat(4))).toHaveLength(8);
    expect(passwordLengthProblem(typedDecomposed("\u00e9".repeat(4)))).toMatch(/at least 8/);
  });

  it("finds a common password typed in another case", () => {
    expect(passwordPolicyProblem("PASSWORD123")).toMatch(/most common passwords/);
  });
});
