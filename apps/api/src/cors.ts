// Which browser origins may call the API: config.corsOrigin (from CORS_ORIGIN).
//   true    any origin, reflected (the default outside production)
//   a list  only those origins
//   false   none (production without CORS_ORIGIN)
// Every preflight is answered here and never reaches tRPC: an origin that is not allowed gets 204
// without Access-Control-Allow-Origin, which a browser reads as a refusal. (@fastify/cors given
// `origin: false` steps aside instead, and tRPC answered the OPTIONS with 415.) The answer depends
// on the request's Origin, so every response says `Vary: Origin` for caches, tRPC's too: tRPC
// answers with a Fetch Response carrying a Vary of its own, which replaced the plugin's. No
// credentials: the API takes bearer tokens, not cookies.
import cors from "@fastify/cors";

import type { ApiServer } from "./api-server.js";
import type { Config } from "./config.js";

export async function registerCors(server: ApiServer, corsOrigin: Config["corsOrigin"]): Promise<void> {
  await server.register(cors, { origin: corsOrigin === false ? [] : corsOrigin, credentials: false });
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
