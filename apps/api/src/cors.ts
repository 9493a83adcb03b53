// Which browser origins may call the API: config.corsOrigin (from CORS_ORIGIN).
//   true    any origin, reflected (the default outside production), never with credentials
//   a list  only those origins, with credentials (Access-Control-Allow-Credentials: true)
//   false   none (production without CORS_ORIGIN)
// Every preflight is answered here and never reaches tRPC: an origin that is not allowed gets 204
// without Access-Control-Allow-Origin, which a browser reads as a refusal. (@fastify/cors given
// `origin: false` steps aside instead, and tRPC answered the OPTIONS with 415.) The answer depends
// on the request's Origin, so every response says `Vary: Origin` for caches, tRPC's too: tRPC
// answers with a Fetch Response carrying a Vary of its own, which replaced the plugin's.
//
// Credentials: a browser in the refresh-cookie mode (refresh-cookie.ts) sends its requests with
// `credentials: "include"` and reads an answer only if it allows them. Allowing them says "this
// origin may make calls that carry the user's cookies and read the answers", so they are allowed
// to listed origins only, never to the reflect-any default, and the header is absent for any other
// origin (@fastify/cors would send it with every response). The request headers a preflight asks
// for are allowed as asked (authorization, content-type, x-refresh-token, trpc-accept...).
import cors, { type FastifyCorsOptions } from "@fastify/cors";

import type { ApiServer } from "./api-server.js";
import type { Config } from "./config.js";

export async function registerCors(server: ApiServer, corsOrigin: Config["corsOrigin"]): Promise<void> {
  const origin = corsOrigin === false ? [] : corsOrigin;
  const listed = new Set(Array.isArray(corsOrigin) ? corsOrigin : []);
  const withoutCredentials: FastifyCorsOptions = { origin, credentials: false };
  const withCredentials: FastifyCorsOptions = { origin, credentials: true };
  await server.register(cors, {
    delegator: (request, answer) => {
      const requestOrigin = request.headers.origin;
      answer(null, requestOrigin !== undefined && listed.has(requestOrigin) ? withCredentials : withoutCredentials);
    },
  });
  server.addHook("onSend", async (_request, _reply, payload) => {
    if (payload instanceof Response && !/\borigin\b/i.test(payload.headers.get("vary") ?? "")) {
      payload.headers.append("vary", "Origin");
    }
    return payload;
  });
}

/** One line for the start-up banner. */
export function describeCorsOrigins(corsOrigin: Config["corsOrigin"]): string {
  if (corsOrigin === true) return "CORS: any origin (development)";
  if (corsOrigin === false || corsOrigin.length === 0) return "CORS: no browser origins (set CORS_ORIGIN)";
  return `CORS: ${corsOrigin.join(", ")}`;
}
