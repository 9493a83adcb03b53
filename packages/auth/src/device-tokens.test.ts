import { describe, expect, it } from "vitest";

import { createDeviceTokenService } from "./device-tokens.js";
import { createTestClock } from "./testing.js";

const secret = "a-test-secret-that-is-long-enough-0123456789";
const day = 86_400_000;

function setup() {
  const clock = createTestClock(new Date("2026-01-01T00:00:00Z"));
  return { clock, service: createDeviceTokenService({ secret, maxAgeSeconds: 90 * 86_400, now: clock.now }) };
}

/** The token with its MAC's first character replaced (same length, still base64url). */
function withMacChanged(token: string): string {
  const [deviceId, issuedAt, mac = ""] = token.split(".");
  return `${deviceId}.${issuedAt}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
}

describe("device tokens", () => {
  it("read back, for the account they were issued for, a new random device id each time", () => {
    const { service } = setup();
    const [first, second] = [service.issue("ana@example.com"), service.issue("ana@example.com")];
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}\.1767225600\.[A-Za-z0-9_-]{43}$/);
    const [a, b] = [service.read(first, "ana@example.com"), service.read(second, "ana@example.com")];
    expect(a?.deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(b?.deviceId).not.toBe(a?.deviceId);
  });

  it("keep the device id they are renewed with", () => {
    const { service, clock } = setup();
    const { deviceId } = service.read(service.issue("ana@example.com"), "ana@example.com") ?? {};
    clock.advance(day);
    const renewed = service.issue("ana@example.com", deviceId);
    expect(service.read(renewed, "ana@example.com")).toEqual({ deviceId });
  });

  it("are no token for another account: the MAC covers the email", () => {
    const { service } = setup();
    expect(service.read(service.issue("ana@example.com"), "bo@example.com")).toBeNull();
  });

  it("refuse a changed MAC, device id or issue time", () => {
    const { service } = setup();
    const token = service.issue("ana@example.com");
    const [deviceId = "", issuedAt, mac] = token.split(".");
    const otherDevice = `${deviceId.startsWith("A") ? "B" : "A"}${deviceId.slice(1)}`;
    expect(service.read(withMacChanged(token), "ana@example.com")).toBeNull();
    expect(service.read(`${otherDevice}.${issuedAt}.${mac}`, "ana@example.com")).toBeNull();
    expect(service.read(`${deviceId}.${Number(issuedAt) + 1}.${mac}`, "ana@example.com")).toBeNull();
  });

  it("refuse a token made with another secret", () => {
    const { service, clock } = setup();
    const other = createDeviceTokenService({
      secret: "another-secret-that-is-long-enough-98765",
      maxAgeSeconds: 60,
      now: clock.now,
    });
    expect(service.read(other.issue("ana@example.com"), "ana@example.com")).toBeNull();
  });

  it("expire maxAgeSeconds after they were issued (test clock)", () => {
    const { service, clock } = setup();
    const token = service.issue("ana@example.com");
    clock.advance(90 * day - 1000);
    expect(service.read(token, "ana@example.com")).not.toBeNull();
    clock.advance(1000);
    expect(service.read(token, "ana@example.com")).toBeNull();
  });

  it("refuse a token issued more than 30 s ahead of the clock", () => {
    const { service, clock } = setup();
    clock.advance(31_000);
    const early = service.issue("ana@example.com");
    clock.reset();
    expect(service.read(early, "ana@example.com")).toBeNull();
    clock.advance(1_000);
    expect(service.read(early, "ana@example.com")).not.toBeNull();
  });

  it.each([
    ["empty", ""],
    ["no MAC", "AAAAAAAAAAAAAAAAAAAAAA.1767225600"],
    ["a short device id", `AAAA.1767225600.${"A".repeat(43)}`],
    ["a short MAC", `AAAAAAAAAAAAAAAAAAAAAA.1767225600.${"A".repeat(42)}`],
    ["a negative issue time", `AAAAAAAAAAAAAAAAAAAAAA.-1.${"A".repeat(43)}`],
  ])("refuse a malformed token (%s) without throwing", (_, token) => {
    const { service } = setup();
    expect(service.read(token, "ana@example.com")).toBeNull();
  });
});
