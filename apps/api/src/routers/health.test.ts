import { describe, expect, it } from "vitest";

import { useTestServer } from "../test-support/hooks.js";

const server = useTestServer();

describe("health.ping", () => {
  it("answers anyone, in-process, with { status: 'ok' }", async () => {
    expect(await server.h.caller().health.ping()).toEqual({ status: "ok" });
  });

  // the benchmark's stock-adapter and serving-path targets send exactly this request and expect
  // exactly this answer, so a change here would quietly change what they measure
  it("answers a plain GET over HTTP without a token, with the superjson envelope", async () => {
    const response = await fetch(`${server.url}/health.ping`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: { data: { json: { status: "ok" } } } });
  });
});
