// How a specialist app answers a registry miss: it has no access to the identity's tables, so it
// asks the identity service, with the caller's own token, "is this session live, and what are its
// user's roles?" (`auth.session`, the platform's token introspection). The identity answers from
// Postgres and, in doing so, writes the session back to the shared registry, so the next call is a
// registry hit again. Without a shared registry (development) every call is answered this way.
//
//   200  the session is live: its user, expiry and current roles
//   401  not live (signed out, revoked, expired): null, so the caller is UNAUTHORIZED
//   else no answer (unreachable, timed out, 5xx, not a tRPC answer): ServiceUnreachableError, 503
//
// No credentials of the specialist's own are needed: the token proves who may ask, and the answer
// tells its holder nothing the token does not already claim, except whether it is still live.
import superjson, { type SuperJSONResult } from "superjson";
import { z } from "zod";

import type { SessionSource } from "./authenticate.js";
import { ServiceUnreachableError } from "./service-errors.js";

export interface IdentitySessionSourceOptions {
  /** The identity service's tRPC endpoint, e.g. http://127.0.0.1:3001/trpc */
  identityUrl: string;
  /** How long to wait for the identity's answer (default 2 s, as long as a registry command). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** `auth.session`'s output, as the identity sends it (superjson). */
const liveSession = z.object({
  userId: z.string(),
  sessionId: z.string(),
  expiresAt: z.date(),
  roles: z.array(z.string()),
  rolesVersion: z.number().int(),
});
const tRPCAnswer = z.object({ result: z.object({ data: z.object({ json: z.unknown() }).loose() }) });

export const identityAnswerTimeoutMs = 2_000;

export function createIdentitySessionSource({
  identityUrl,
  timeoutMs = identityAnswerTimeoutMs,
  fetch = globalThis.fetch,
}: IdentitySessionSourceOptions): SessionSource {
  const endpoint = `${identityUrl.replace(/\/+$/, "")}/auth.session`;
  const unreachable = (why: string, cause?: unknown) =>
    new ServiceUnreachableError(`the identity service at ${endpoint} ${why}`, { cause });

  return async (sessionId, token) => {
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(endpoint, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error", // the caller's token goes to the identity, never on to where it points
      });
    } catch (cause) {
      throw unreachable(`did not answer within ${timeoutMs} ms`, cause);
    }
    try {
      body = response.status === 401 ? undefined : await response.json();
    } catch (cause) {
      throw unreachable("answered something that is not JSON", cause);
    }
    if (response.status === 401) return null;
    if (!response.ok) throw unreachable(`answered ${response.status}`);
    const session = readSession(body);
    if (!session) throw unreachable("answered something that is not a session");
    // the identity answered about the token it was given; anything else is not this session
    if (session.sessionId !== sessionId) return null;
    return {
      userId: session.userId,
      expiresAt: session.expiresAt,
      roles: { roles: session.roles, version: session.rolesVersion },
    };
  };
}

/** The session in a tRPC answer of `auth.session`, or null when the body is anything else. */
function readSession(body: unknown): z.infer<typeof liveSession> | null {
  const answer = tRPCAnswer.safeParse(body);
  if (!answer.success) return null;
  try {
    const session = liveSession.safeParse(superjson.deserialize(answer.data.result.data as SuperJSONResult));
    return session.success ? session.data : null;
  } catch {
    return null; // superjson's meta did not match its json
  }
}
