import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";

import { isServiceUnavailable, ServiceUnreachableError } from "./service-errors.js";
import { withSilentServer } from "./testing.js";

describe("isServiceUnavailable: timeouts (a partition only ever shows as one)", () => {
  it("ioredis's commandTimeout", async () => {
    await withSilentServer(async (port) => {
      const redis = new Redis(`redis://127.0.0.1:${port}`, {
        commandTimeout: 50,
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
      });
      redis.on("error", () => {}); // its handshake times out too, and reconnects: not this test's business
      try {
        const error = await redis.get("key").catch((caught: unknown) => caught);
        expect(error).toMatchObject({ message: "Command timed out" });
        expect(isServiceUnavailable(error)).toBe(true);
      } finally {
        redis.disconnect();
      }
    });
  });

  // the messages and codes as pg, pg-pool and Prisma word them (packages/db/src/client.ts sets the timeouts)
  it.each([
    ["pg query_timeout", new Error("Query read timeout")],
    ["pg connectionTimeoutMillis, connecting", new Error("Connection terminated due to connection timeout")],
    ["pg connectionTimeoutMillis, the socket", new Error("timeout expired")],
    ["pg-pool connectionTimeoutMillis, waiting for a slot", new Error("timeout exceeded when trying to connect")],
    [
      "statement_timeout, through Prisma",
      new Error("Raw query failed. Code: `57014`. Message: `canceling statement due to statement timeout`"),
    ],
    ["statement_timeout, pg's error", Object.assign(new Error("canceling statement"), { code: "57014" })],
    ["idle_in_transaction_session_timeout", Object.assign(new Error("terminating connection"), { code: "25P03" })],
    ["ioredis socketTimeout", new Error("Socket timeout. Expecting data, but didn't receive any in 1500ms.")],
    ["a Redis Cluster without a master for a slot", new Error("CLUSTERDOWN The cluster is down")],
    ["a Redis Cluster moving a slot", new Error("TRYAGAIN Multiple keys request during rehashing of slot")],
    ["a Redis node loading its data", new Error("LOADING Redis is loading the dataset in memory")],
    ["ioredis Cluster, redirected in circles", new Error("Too many Cluster redirections. Last error: x")],
    [
      "ioredis, a command caught by a reconnection",
      new Error("Reached the max retries per request limit (which is 1)."),
    ],
    [
      "Prisma P2028, no transaction started within maxWait",
      Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
        code: "P2028",
      }),
    ],
    ["a timeout under wrappers", new Error("procedure failed", { cause: new Error("Query read timeout") })],
  ])("%s", (_, error) => {
    expect(isServiceUnavailable(error)).toBe(true);
  });
});

describe("isServiceUnavailable: unreachable, refused, restarting", () => {
  it.each([
    ["ECONNREFUSED", "nothing listens"],
    ["ECONNRESET", "the connection was reset"],
    ["ETIMEDOUT", "connecting timed out"],
    ["EPIPE", "the socket closed under a write"],
    ["ENOTFOUND", "the host name does not resolve"],
    ["EAI_AGAIN", "DNS failed for now"],
    ["57P01", "Postgres admin_shutdown (a failover, a restart)"],
    ["57P03", "Postgres cannot_connect_now (starting up)"],
    ["57P05", "Postgres idle_session_timeout"],
  ])("error code %s: %s", (code) => {
    expect(isServiceUnavailable(Object.assign(new Error("failed"), { code }))).toBe(true);
  });

  it.each(["DatabaseNotReachable", "ConnectionClosed"])("a Prisma driver adapter error of kind %s", (kind) => {
    expect(isServiceUnavailable(Object.assign(new Error("failed"), { kind }))).toBe(true);
  });

  it("another service of the platform that did not answer (the identity, a JWKS endpoint)", () => {
    expect(isServiceUnavailable(new ServiceUnreachableError("the identity service did not answer"))).toBe(true);
    expect(isServiceUnavailable(new Error("wrapped", { cause: new ServiceUnreachableError("x") }))).toBe(true);
  });

  it("looks through at most 10 causes, so a cycle of causes cannot hang it", () => {
    const wrapped = (error: Error, times: number): Error =>
      times === 0 ? error : wrapped(new Error("wrapper", { cause: error }), times - 1);
    const outage = () => Object.assign(new Error("failed"), { code: "ECONNREFUSED" });
    expect(isServiceUnavailable(wrapped(outage(), 9))).toBe(true);
    expect(isServiceUnavailable(wrapped(outage(), 10))).toBe(false);
    const cycle: Error & { cause?: unknown } = new Error("a");
    cycle.cause = new Error("b", { cause: cycle });
    expect(isServiceUnavailable(cycle)).toBe(false);
  });
});

describe("isServiceUnavailable: not an outage", () => {
  it.each([
    ["a unique violation", Object.assign(new Error("duplicate key value"), { code: "23505" })],
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    [
      "a Prisma driver adapter error of another kind",
      Object.assign(new Error("failed"), { kind: "UniqueConstraintViolation" }),
    ],
    [
      "a Prisma P2028 for a transaction used after it expired",
      Object.assign(
        new Error(
          "Transaction API error: Transaction already closed: A query cannot be executed on an expired transaction.",
        ),
        { code: "P2028" },
      ),
    ],
    ["nothing", undefined],
  ])("%s", (_, error) => {
    expect(isServiceUnavailable(error)).toBe(false);
  });
});
