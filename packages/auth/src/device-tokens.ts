// Device tokens ("device cookies", OWASP's answer to lockout by strangers): a sign-in that
// succeeds gives the client a token that says "this device has signed in to this account before".
// Presented with a later sign-in to the same account, it lets that attempt spend from the
// device's own back-off budget instead of the account's, which strangers share. The token grants
// nothing else: it is no session, and the password is still checked.
//
// `<deviceId>.<issuedAt>.<mac>`: a random 128-bit device id, the issue time in whole seconds, and
// HMAC-SHA256 over both and the account's normalised email, under a key derived from the server
// secret. Bound to the email (what a sign-in has before it looks the user up), so a token earned
// on one account is no token on another; nothing is stored, so a token ends only by expiring
// (`maxAgeSeconds` after it was issued; each successful sign-in issues a fresh one for the same
// device id).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface DeviceTokenService {
  /** A token for this device id (a new device when omitted) and account, issued now. */
  issue(email: string, deviceId?: string): string;
  /** The device of an authentic, unexpired token issued for this account, otherwise null. */
  read(token: string, email: string): { deviceId: string } | null;
}

export interface DeviceTokenOptions {
  secret: string;
  maxAgeSeconds: number;
  now?: () => Date;
}

const tokenPattern = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
/** A token issued this far ahead of the server's clock is still accepted (clocks of instances differ). */
const clockSkewSeconds = 30;

export function createDeviceTokenService({
  secret,
  maxAgeSeconds,
  now = () => new Date(),
}: DeviceTokenOptions): DeviceTokenService {
  // a key of its own, so that device MACs can never be confused with refresh tokens or JWTs
  const key = createHmac("sha256", secret).update("platform-identity/device-token/v1").digest();
  const mac = (deviceId: string, issuedAt: number, email: string) =>
    createHmac("sha256", key).update(`${deviceId}.${issuedAt}.${email}`).digest();
  const nowSeconds = () => Math.floor(now().getTime() / 1000);

  return {
    issue(email, deviceId = randomBytes(16).toString("base64url")) {
      const issuedAt = nowSeconds();
      return `${deviceId}.${issuedAt}.${mac(deviceId, issuedAt, email).toString("base64url")}`;
    },
    read(token, email) {
      const match = typeof token === "string" ? tokenPattern.exec(token) : null;
      if (!match) return null;
      const [, deviceId, issuedAtText, given] = match as unknown as [string, string, string, string];
      const issuedAt = Number(issuedAtText);
      const expected = mac(deviceId, issuedAt, email);
      const actual = Buffer.from(given, "base64url");
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
      const age = nowSeconds() - issuedAt;
      if (age >= maxAgeSeconds || age < -clockSkewSeconds) return null;
      return { deviceId };
    },
  };
}
