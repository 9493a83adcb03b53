// How a specialist reads the identity's answer about a token (identity-session-source.ts), against
// a real HTTP server that answers as the identity would, and as a broken or absent one would.
// Only a well-formed answer about this very session grants anything; a 401 is "not live"; anything
// else is an outage (503), never access and never a sign-out.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createIdentitySessionSource } from "./identity-session-source.js";
import { isServiceUnavailable } from "./service-errors.js";

type Answer = (response: ServerResponse) => void;
let answer: Answer = () => {};
let lastAuthorization: string | undefined;
const paths: string[] = [];
const server = createServer((request, response) => {
  lastAuthorization = request.headers.authorization;
  paths.push(request.url ?? "");
  answer(response);
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const expiresAt = new Date("2030-01-01T00:00:00Z");
const live = { userId: "u1", sessionId: "s1", expiresAt, roles: ["user"], rolesVersion: 3 };
const json =
  (status: number, body: unknown): Answer =>
  (response) => {
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
const tRPCResult = (data: unknown) => json(200, { result: { data: superjson.serialize(data) } });

const ask = (options: { timeoutMs?: number } = {}) =>
  createIdentitySessionSource({ identityUrl: `${url}/`, ...options })("s1", "the-token");

describe("createIdentitySessionSource", () => {
  it("sends the caller's token to auth.session and reads a live session", async () => {
    answer = tRPCResult(live);
    await expect(ask()).resolves.toEqual({ userId: "u1", expiresAt, roles: { roles: ["user"], version: 3 } });
    expect(lastAuthorization).toBe("Bearer the-token");
  });

  it("reads a 401 as a session that is not live", async () => {
    answer = json(401, { error: { json: { message: "sign in", data: { code: "UNAUTHORIZED" } } } });
    await expect(ask()).resolves.toBeNull();
  });

  it("grants nothing for an answer about another session", async () => {
    answer = tRPCResult({ ...live, sessionId: "s2" });
    await expect(ask()).resolves.toBeNull();
  });

  it.each<[string, Answer]>([
    ["a 503", json(503, { error: { json: { message: "down" } } })],
    ["a 500", json(500, { error: { json: { message: "bug" } } })],
    ["a 200 that is not a tRPC answer", json(200, { hello: "world" })],
    ["a session without roles", tRPCResult({ ...live, roles: undefined })],
    ["a body that is not JSON", (response) => response.writeHead(200).end("<html>proxy</html>")],
  ])("answers %s with an outage, not with a sign-out", async (_, broken) => {
    answer = broken;
    const error: unknown = await ask().catch((e: unknown) => e);
    expect(isServiceUnavailable(error)).toBe(true);
  });

  it("does not follow a redirect, which would send the caller's token where the answer points", async () => {
    paths.length = 0;
    answer = (response) => response.writeHead(307, { location: "/elsewhere" }).end();
    const error: unknown = await ask().catch((e: unknown) => e);
    expect(isServiceUnavailable(error)).toBe(true);
    expect(paths).toEqual(["/trpc/auth.session"]);
  });

  it("gives up on an identity that does not answer in time: an outage", async () => {
    answer = () => {}; // never answers
    const error: unknown = await ask({ timeoutMs: 100 }).catch((e: unknown) => e);
    expect(isServiceUnavailable(error)).toBe(true);
    expect(String(error)).toMatch(/did not answer within 100 ms/);
  });
});
