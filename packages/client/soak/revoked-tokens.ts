// After the load: every token of a signed-out session is tried again, over plain HTTP (the typed
// client would refresh and retry, which is not the question here). An access token must get 401
// on auth.me, a refresh token 401 on auth.refresh: the spent one of each rotation, and the last.
import type { RevokedTokens } from "./soak-client.js";

export interface RevocationCheck {
  accessTokensTried: number;
  refreshTokensTried: number;
  /** Tokens that were not refused with 401 UNAUTHORIZED, by kind and what they got (a sample). */
  accepted: { kind: "access" | "refresh"; status: number }[];
  acceptedCount: number;
}

export async function checkRevokedTokens(
  trpcUrl: string,
  ip: string,
  tokens: RevokedTokens,
  concurrency = 20,
): Promise<RevocationCheck> {
  const headers = { "content-type": "application/json", "x-forwarded-for": ip };
  const tries = [
    ...tokens.accessTokens.map((token) => ({
      kind: "access" as const,
      send: () => fetch(`${trpcUrl}/auth.me`, { headers: { ...headers, authorization: `Bearer ${token}` } }),
    })),
    ...tokens.refreshTokens.map((refreshToken) => ({
      kind: "refresh" as const,
      send: () =>
        fetch(`${trpcUrl}/auth.refresh`, {
          method: "POST",
          headers,
          body: JSON.stringify({ json: { refreshToken } }),
        }),
    })),
  ];
  const result: RevocationCheck = {
    accessTokensTried: tokens.accessTokens.length,
    refreshTokensTried: tokens.refreshTokens.length,
    accepted: [],
    acceptedCount: 0,
  };
  let next = 0;
  async function worker() {
    for (let i = next++; i < tries.length; i = next++) {
      const attempt = tries[i];
      if (!attempt) continue;
      const response = await attempt.send();
      const body = (await response.json()) as { error?: { json?: { data?: { code?: string } } } };
      if (response.status !== 401 || body.error?.json?.data?.code !== "UNAUTHORIZED") {
        result.acceptedCount++;
        if (result.accepted.length < 20) result.accepted.push({ kind: attempt.kind, status: response.status });
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}
