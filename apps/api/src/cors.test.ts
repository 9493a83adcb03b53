import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Config } from "./config.js";
import { describeCorsOrigins } from "./cors.js";
import { createDeps } from "./deps.js";
import { buildServer } from "./server.js";
import { createTestHarness, type TestHarness } from "./test-support/harness.js";
import { type Serving, servings } from "./test-support/servings.js";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

/** A server whose only difference is config.corsOrigin. */
async function serverWith(corsOrigin: Config["corsOrigin"], serving: Serving) {
  return buildServer(createDeps({ ...h.deps, config: { ...h.deps.config, corsOrigin } }), { serving });
}

const preflight = (origin: string) => ({
  method: "OPTIONS" as const,
  url: "/trpc/auth.signIn",
  headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
});

// through both ways of serving /trpc (BuildServerOptions.serving)
describe.each(servings)("CORS, served %s", (serving) => {
  it("any origin (development): a preflight is answered with the origin reflected, and Vary: Origin", async () => {
    const server = await serverWith(true, serving);
    try {
      const response = await server.inject(preflight("http://localhost:5173"));
      expect(response.statusCode).toBe(204);
      expect(response.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
      expect(response.headers.vary).toMatch(/\bOrigin\b/);

      // and the call itself
      const call = await server.inject({ method: "GET", url: "/trpc/auth.me", headers: { origin: "http://x.test" } });
      expect(call.statusCode).toBe(401);
      expect(call.headers["access-control-allow-origin"]).toBe("http://x.test");
      expect(call.headers.vary).toMatch(/\bOrigin\b/);
    } finally {
      await server.close();
    }
  });

  it("no origins (production without CORS_ORIGIN): a preflight is refused by CORS, never reaching tRPC", async () => {
    const server = await serverWith(false, serving);
    try {
      const response = await server.inject(preflight("https://app.example.com"));
      expect(response.statusCode).toBe(204);
      expect(response.headers["access-control-allow-origin"]).toBeUndefined();
      expect(response.body).toBe("");
    } finally {
      await server.close();
    }
  });

  it("a list: listed origins are answered, others refused; both vary by Origin", async () => {
    const server = await serverWith(["https://a.example.com", "https://b.example.com"], serving);
    try {
      const allowed = await server.inject(preflight("https://b.example.com"));
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers["access-control-allow-origin"]).toBe("https://b.example.com");
      expect(allowed.headers.vary).toMatch(/\bOrigin\b/);

      const refused = await server.inject(preflight("https://evil.example.com"));
      expect(refused.statusCode).toBe(204);
      expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
      expect(refused.headers.vary).toMatch(/\bOrigin\b/);
    } finally {
      await server.close();
    }
  });
});

// Credentials let a browser send the refresh cookie and read the answer (refresh-cookie.ts): over
// real HTTP, as the browser's own requests come.
describe.each(servings)("CORS credentials, served %s over HTTP", (serving) => {
  /** A listening server with this corsOrigin; `send` makes a request from `origin`. */
  async function listening(corsOrigin: Config["corsOrigin"]) {
    const server = await serverWith(corsOrigin, serving);
    const address = await server.listen({ host: "127.0.0.1", port: 0 });
    const send = async (method: "OPTIONS" | "GET", origin: string) => {
      const headers: Record<string, string> = { origin };
      if (method === "OPTIONS") {
        headers["access-control-request-method"] = "POST";
        headers["access-control-request-headers"] = "authorization, content-type, x-refresh-token";
      }
      const response = await fetch(`${address}/trpc/${method === "OPTIONS" ? "auth.refresh" : "auth.me"}`, {
        method,
        headers,
      });
      await response.arrayBuffer();
      return response.headers;
    };
    return { server, send };
  }

  it("a listed origin: credentials allowed, on the preflight (which allows x-refresh-token) and on the call", async () => {
    const { server, send } = await listening(["https://a.example.com", "https://b.example.com"]);
    try {
      const preflight = await send("OPTIONS", "https://b.example.com");
      expect(preflight.get("access-control-allow-origin")).toBe("https://b.example.com");
      expect(preflight.get("access-control-allow-credentials")).toBe("true");
      expect(preflight.get("access-control-allow-headers")?.split(/,\s*/)).toEqual(
        expect.arrayContaining(["authorization", "content-type", "x-refresh-token"]),
      );
      const call = await send("GET", "https://b.example.com");
      expect(call.get("access-control-allow-origin")).toBe("https://b.example.com");
      expect(call.get("access-control-allow-credentials")).toBe("true");
    } finally {
      await server.close();
    }
  });

  it("an origin that is not listed: neither the origin nor credentials", async () => {
    const { server, send } = await listening(["https://a.example.com"]);
    try {
      for (const headers of [
        await send("OPTIONS", "https://evil.example.com"),
        await send("GET", "https://evil.example.com"),
      ]) {
        expect(headers.get("access-control-allow-origin")).toBeNull();
        expect(headers.get("access-control-allow-credentials")).toBeNull();
      }
    } finally {
      await server.close();
    }
  });

  it("any origin (development): reflected, never with credentials", async () => {
    const { server, send } = await listening(true);
    try {
      for (const headers of [
        await send("OPTIONS", "http://localhost:5173"),
        await send("GET", "http://localhost:5173"),
      ]) {
        expect(headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
        expect(headers.get("access-control-allow-credentials")).toBeNull();
      }
    } finally {
      await server.close();
    }
  });
});

describe("describeCorsOrigins (for the start-up banner)", () => {
  it.each([
    [true, "CORS: any origin (development)"],
    [["https://a", "https://b"], "CORS: https://a, https://b"],
    [false, "CORS: no browser origins (set CORS_ORIGIN)"],
  ] as const)("%j -> %s", (corsOrigin, line) => {
    expect(describeCorsOrigins(corsOrigin as Config["corsOrigin"])).toBe(line);
  });
});
