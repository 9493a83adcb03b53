import { beforeEach, describe, expect, it } from "vitest";

import { createRefreshTokenService, type RefreshTokenService } from "./refresh-tokens.js";

const secret = "a-test-secret-that-is-long-enough-0123456789";
// Built in each test rather than when the file loads, so that a service that throws on creation
// fails the tests instead of the file's import (which a mutation run would not count).
let service: RefreshTokenService;
beforeEach(() => {
  service = createRefreshTokenService(secret);
});

/** The token with its MAC's character at `index` replaced (same length, still base64url). */
function withMacCharacterChanged(token: string, index: number): string {
  const [sessionId, generation, mac = ""] = token.split(".");
  const changed = mac[index] === "A" ? "B" : "A";
  return `${sessionId}.${generation}.${mac.slice(0, index)}${changed}${mac.slice(index + 1)}`;
}

describe("refresh tokens", () => {
  it("read back the session and generation they were issued for", () => {
    const token = service.issue("session_1", 7);
    expect(token).toMatch(/^session_1\.7\.[A-Za-z0-9_-]{43}$/);
    expect(service.read(token)).toEqual({ sessionId: "session_1", generation: 7 });
  });

  it("read back generations of any size up to 9 digits", () => {
    for (const generation of [12, 999_999_999]) {
      expect(service.read(service.issue("session_1", generation))).toEqual({ sessionId: "session_1", generation });
    }
  });

  it("are computed as documented, so tokens issued before a deploy stay valid after it (test vector)", () => {
    // mac = HMAC-SHA256(key, "<sessionId>.<generation>"), key = HMAC-SHA256(secret, "platform-identity/refresh-token/v1"),
    // as Python's hmac module computes it
    const token = "session_1.7.vLDIVsOylLx7I3MCTulNGE-w_-MRKMGIYk7Yb2UbcwE";
    expect(service.issue("session_1", 7)).toBe(token);
    expect(service.read(token)).toEqual({ sessionId: "session_1", generation: 7 });
  });

  it("refuse a valid token with anything before or after it", () => {
    const token = service.issue("session_1", 0);
    expect(service.read(`x${token}`)).toBeNull();
    expect(service.read(`other.${token}`)).toBeNull();
    expect(service.read(`${token}x`)).toBeNull();
  });

  it("refuse anything but a string, even one that turns into a valid token as a string", () => {
    const token = service.issue("session_1", 0);
    expect(service.read([token] as unknown as string)).toBeNull();
  });

  it("are the same for the same session and generation (a duplicate refresh gets the same token)", () => {
    expect(service.issue("session_1", 3)).toBe(service.issue("session_1", 3));
    expect(service.issue("session_1", 3)).not.toBe(service.issue("session_1", 4));
  });

  it("refuse a MAC of the right length with any character changed: the MAC is compared, not only its length", () => {
    const token = service.issue("session_1", 0);
    for (const index of [0, 21, 41]) expect(service.read(withMacCharacterChanged(token, index))).toBeNull();
  });

  it("refuse another session's or generation's MAC: the MAC covers both", () => {
    const [, , mac] = service.issue("session_1", 0).split(".");
    expect(service.read(`session_2.0.${mac}`)).toBeNull();
    expect(service.read(`session_1.1.${mac}`)).toBeNull();
  });

  it("refuse a token made with another secret", () => {
    const other = createRefreshTokenService("another-secret-that-is-long-enough-987654321");
    expect(service.read(other.issue("session_1", 0))).toBeNull();
  });

  it.each([
    ["empty", ""],
    ["no MAC", "session_1.0"],
    ["a short MAC", `session_1.0.${"A".repeat(42)}`],
    ["a long MAC", `session_1.0.${"A".repeat(44)}`],
    ["a negative generation", `session_1.-1.${"A".repeat(43)}`],
    ["a session id with a dot", `session.1.0.${"A".repeat(43)}`],
  ])("refuse a malformed token (%s) without throwing", (_, token) => {
    expect(service.read(token)).toBeNull();
  });
});
