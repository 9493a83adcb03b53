// Which session an access token belongs to: its JWT payload's `sid` (the identity signs every
// access token with `sub`, `sid` and `roles`). Read without verifying the signature: the API
// verifies every call, and this only tells session-watch that the store now holds another
// session (another user signed in in another tab, or the shared refresh cookie answered with
// someone else's session), so that nothing read with the old one is shown.

/**
 * The session id of an access token, or undefined when it cannot be read (not a JWT, no `sid`).
 * Callers treat undefined as "no change detected", never as a session of its own: comparing whole
 * tokens instead would see a new session at every refresh.
 */
export function sessionIdOf(accessToken: string): string | undefined {
  const payload = accessToken.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    if (typeof claims !== "object" || claims === null || !("sid" in claims)) return undefined;
    return typeof claims.sid === "string" && claims.sid !== "" ? claims.sid : undefined;
  } catch {
    return undefined; // not base64url, or not JSON
  }
}

function decodeBase64Url(text: string): string {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}
