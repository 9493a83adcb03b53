// Refresh tokens: `<sessionId>.<generation>.<mac>`, where mac = HMAC-SHA256 over the session id
// and the rotation generation, under a key derived from the server secret (256 bits, base64url).
//
// Why derived rather than random-and-hashed: the database stores no token material at all (a
// leaked database yields no usable refresh token, not even a hash to attack), and the token of a
// generation can be recomputed, so a duplicate refresh inside the grace window (two browser tabs)
// gets exactly the same new token instead of a second one. Rotation increments the generation in
// Postgres with a compare-and-set, so concurrent refreshes on several instances mint at most one
// new generation. Any token of an older generation is a replay: the session is revoked.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface RefreshTokenService {
  issue(sessionId: string, generation: number): string;
  /** The session and generation of an authentic token, otherwise null. */
  read(token: string): { sessionId: string; generation: number } | null;
}

const tokenPattern = /^([A-Za-z0-9_-]{1,64})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/;

export function createRefreshTokenService(secret: string): RefreshTokenService {
  // a key of its own, so that refresh MACs can never be confused with JWT signatures
  const key = createHmac("sha256", secret).update("platform-identity/refresh-token/v1").digest();
  const mac = (sessionId: string, generation: number) =>
    createHmac("sha256", key).update(`${sessionId}.${generation}`).digest();

  return {
    issue: (sessionId, generation) => `${sessionId}.${generation}.${mac(sessionId, generation).toString("base64url")}`,
    read(token) {
      const match = typeof token === "string" ? tokenPattern.exec(token) : null;
      if (!match) return null;
      const [, sessionId, generationText, given] = match as unknown as [string, string, string, string];
      const generation = Number(generationText);
      const expected = mac(sessionId, generation);
      const actual = Buffer.from(given, "base64url");
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
      return { sessionId, generation };
    },
  };
}
