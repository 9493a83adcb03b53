import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type ApiDeps, createDeps } from "./deps.js";
import type { Logger } from "./logger.js";
import { pathOf } from "./request-log.js";
import { buildServer } from "./server.js";
import { type CapturedLogs, captureLogs } from "./test-support/capture-logs.js";
import { createTestHarness, type TestHarness } from "./test-support/harness.js";
import { anyNumber, anyString } from "./test-support/matchers.js";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

/** A server on the deps `depsWith` makes, logging at `level` into lines a test reads. */
async function loggedServer(level: string, depsWith = (logger: Logger): ApiDeps => createDeps({ ...h.deps, logger })) {
  const logs = captureLogs(level);
  const server = await buildServer(depsWith(logs.logger));
  return { server, logs };
}

const requestLines = (logs: CapturedLogs) => logs.lines.filter((line) => line.reqId !== undefined);

describe("request logging at LOG_LEVEL=info", () => {
  it("is one line per request: reqId, method, url without its query string, status, time", async () => {
    const { server, logs } = await loggedServer("info");
    try {
      const { token } = await h.createSignedInUser();
      const secretish = encodeURIComponent(JSON.stringify({ json: "someone@example.com" }));
      await server.inject({
        method: "GET",
        url: `/trpc/users.findById?input=${secretish}`,
        headers: { authorization: `Bearer ${token}` },
      });
      await server.inject({ method: "GET", url: "/health" });
      expect(requestLines(logs)).toEqual([
        {
          level: "info",
          time: anyNumber(),
          pid: anyNumber(),
          hostname: anyString(),
          reqId: anyString(),
          msg: "request completed",
          method: "GET",
          url: "/trpc/users.findById",
          statusCode: 404,
          responseTime: anyNumber(),
        },
        expect.objectContaining({ msg: "request completed", url: "/health", statusCode: 200 }),
      ]);
      expect(JSON.stringify(logs.lines)).not.toContain("example.com");
    } finally {
      await server.close();
    }
  });

  it("a route that does not exist or a body Fastify refuses is still one line (their detail is at debug)", async () => {
    const { server, logs } = await loggedServer("info");
    try {
      await server.inject({ method: "GET", url: "/nowhere?x=1" });
      await server.inject({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "text/html" },
        payload: "<p>",
      });
      expect(requestLines(logs).map(({ msg, url, statusCode }) => ({ msg, url, statusCode }))).toEqual([
        { msg: "request completed", url: "/nowhere", statusCode: 404 },
        { msg: "request completed", url: "/trpc/auth.signIn", statusCode: 415 },
      ]);
    } finally {
      await server.close();
    }
  });

  it("a procedure's failure keeps its error line, with the request's reqId", async () => {
    const leaky = new Error("the session table is broken");
    const { server, logs } = await loggedServer("info", (logger) => ({
      ...h.deps,
      loadSession: () => Promise.reject(leaky), // a registry miss reads the session from Postgres
      logger,
    }));
    try {
      const unregistered = await h.deps.tokens.sign({ userId: "user_x", sessionId: "session_unknown", roles: [] });
      await server.inject({
        method: "GET",
        url: "/trpc/auth.me",
        headers: { authorization: `Bearer ${unregistered}` },
      });
      const [failure, completed, ...rest] = requestLines(logs);
      expect(rest).toEqual([]);
      expect(failure).toMatchObject({ level: "error", msg: "procedure failed", code: "INTERNAL_SERVER_ERROR" });
      expect(completed).toMatchObject({ level: "info", msg: "request completed", statusCode: 500 });
      expect(failure?.reqId).toBe(completed?.reqId);
    } finally {
      await server.close();
    }
  });
});

describe("at LOG_LEVEL=debug", () => {
  it("the arrival of each request is logged too (to chase one that never completes)", async () => {
    const { server, logs } = await loggedServer("debug");
    try {
      await server.inject({ method: "GET", url: "/health?probe=1" });
      expect(requestLines(logs).map(({ level, msg, url }) => ({ level, msg, url }))).toEqual([
        { level: "debug", msg: "incoming request", url: "/health" },
        { level: "info", msg: "request completed", url: "/health" },
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("pathOf", () => {
  it.each([
    ["/trpc/auth.me?input=%7B%7D", "/trpc/auth.me"],
    ["/trpc/auth.me", "/trpc/auth.me"],
    ["/?", "/"],
  ])("%s -> %s", (url, path) => {
    expect(pathOf(url)).toBe(path);
  });
});
