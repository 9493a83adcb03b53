// The headers every response of this API carries, errors, probes and preflights included. The API
// answers JSON only (tokens are in the bodies), so the policy is the strictest there is, and a
// browser that is tricked into rendering, framing, caching or embedding a response gets nothing:
//   Cache-Control: no-store                  no browser, proxy or CDN keeps a token
//   X-Content-Type-Options: nosniff          JSON is never sniffed into HTML or script
//   Content-Security-Policy, X-Frame-Options nothing loads or runs, and nobody frames a response
//   Referrer-Policy: no-referrer             no URL leaves in a Referer
//   Cross-Origin-Resource-Policy             other sites cannot embed a response (no-cors); CORS
//                                            requests, which cors.ts governs, are unaffected
//   Strict-Transport-Security                HTTPS only, for a year (browsers ignore it over HTTP)
// Fastify sends no X-Powered-By or Server header. One hook per response, setting constant values
// (plain hooks rather than @fastify/helmet, whose defaults are for HTML pages).
// One exception, declared by the route itself: a route whose answer is public (the JWKS) may name
// its own Cache-Control in its config, used on its 200 answers only (an error is never cached).
import type { ApiServer } from "./api-server.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Replaces `no-store` on this route's 200 answers: only for public content (jwks-route.ts). */
    cacheControl?: string;
  }
}

const securityHeaders: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
  "strict-transport-security": "max-age=31536000",
};

export function registerSecurityHeaders(server: ApiServer): void {
  server.addHook("onSend", (_request, reply, payload, done) => {
    // tRPC's own Response headers, which Fastify applies after these, name none of them (only its
    // subscriptions would set a Cache-Control, and this API has none)
    void reply.headers(securityHeaders);
    const { cacheControl } = reply.routeOptions.config;
    if (cacheControl !== undefined && reply.statusCode === 200) void reply.header("cache-control", cacheControl);
    done(null, payload);
  });
}
