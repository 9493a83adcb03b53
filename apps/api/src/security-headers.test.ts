import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDeps } from "./deps.js";
import { jwksMaxAgeSeconds, jwksPath } from "./jwks-route.js";
import { buildServer } from "./server.js";
import { createTestHarness, type TestHarness } from "./test-support/harness.js";
import { servings } from "./test-support/servings.js";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

const json = (body: unknown) => ({
  headers: { "content-type": "application/json" },
  payload: JSON.stringify({ json: body }),
});

const expectApiHeaders = (response: LightMyRequestResponse, cacheControl = "no-store") => {
  expect(response.headers).toMatchObject({
    "x-content-type-options": "nosniff",
    "cache-control": cacheControl,
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
    "strict-transport-security": "max-age=31536000",
  });
  expect(response.headers["x-powered-by"]).toBeUndefined();
};

// through both ways of serving /trpc (BuildServerOptions.serving)
describe.each(servings)("security headers, served %s", (serving) => {
  let server: Awaited<ReturnType<typeof buildServer>>;
  beforeAll(async () => {
    server = await buildServer(h.deps, { serving });
  });
  afterAll(() => server.close());

  it.each<[string, InjectOptions, number]>([
    ["a tRPC error (no session)", { method: "GET", url: "/trpc/auth.me" }, 401],
    ["a tRPC error (bad input)", { method: "POST", url: "/trpc/auth.signIn", ...json({ email: 1 }) }, 400],
    ["a batch", { method: "GET", url: "/trpc/auth.me,auth.me?batch=1&input={}" }, 401],
    ["GET /health", { method: "GET", url: "/health" }, 200],
    ["GET /ready", { method: "GET", url: "/ready" }, 200],
    ["an unknown route", { method: "GET", url: "/nowhere" }, 404],
    [
      "a body Fastify refuses before any route runs",
      { method: "POST", url: "/trpc/auth.signIn", headers: { "content-type": "text/html" }, payload: "<p>" },
      415,
    ],
  ])("on %s", async (_, request, status) => {
    const response = await server.inject(request);
    expect(response.statusCode).toBe(status);
    expectApiHeaders(response);
  });

  it(`on GET ${jwksPath}, whose Cache-Control alone is public (its keys are)`, async () => {
    const response = await server.inject({ method: "GET", url: jwksPath });
    expect(response.statusCode).toBe(200);
    expectApiHeaders(response, `public, max-age=${jwksMaxAgeSeconds}`);
  });

  it(`on an error of GET ${jwksPath}, which is never cacheable`, async () => {
    const tokens = { ...h.deps.tokens, publishedKeys: () => Promise.reject(new Error("no keys today")) };
    const broken = await buildServer({ ...h.deps, tokens }, { serving });
    try {
      const response = await broken.inject({ method: "GET", url: jwksPath });
      expect(response.statusCode).toBe(500);
      expectApiHeaders(response);
    } finally {
      await broken.close();
    }
  });

  it("on a tRPC success that carries tokens", async () => {
    const user = await h.createUser();
    const response = await server.inject({
      method: "POST",
      url: "/trpc/auth.signIn",
      ...json({ email: user.email, password: user.password }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("refreshToken");
    expectApiHeaders(response);
  });

  it("on 503 (a backing service is down)", async () => {
    const broken = await buildServer(
      createDeps({ ...h.deps, registry: { ...h.deps.registry, ping: () => Promise.reject(new Error("down")) } }),
      { serving },
    );
    try {
      const response = await broken.inject({ method: "GET", url: "/ready" });
      expect(response.statusCode).toBe(503);
      expectApiHeaders(response);
    } finally {
      await broken.close();
    }
  });

  it("on a CORS preflight, which keeps its CORS answer", async () => {
    const response = await server.inject({
      method: "OPTIONS",
      url: "/trpc/auth.signIn",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
    expectApiHeaders(response);
  });

  it("leave tRPC's own headers and CORS's Vary in place", async () => {
    const response = await server.inject({ method: "GET", url: "/trpc/auth.me", headers: { origin: "http://x.test" } });
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.headers.vary).toMatch(/\bOrigin\b/);
    expect(response.headers["access-control-allow-origin"]).toBe("http://x.test");
  });
});
