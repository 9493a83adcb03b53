// Closing the server while requests run (graceful-close.ts), in process and over real sockets:
// the process-level story (SIGTERM, the exit, the rows behind each answer) is shutdown.test.ts.
import { connect, type Socket } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildServer } from "./server.js";
import { createTestHarness, type TestHarness } from "./test-support/harness.js";

/** Longer than any close below may take; without graceful-close.ts they would take 72 s or forever. */
const closeBoundMs = 5_000;
const deadlineMs = 300;

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

/** A server with a route that answers after `ms`, listening on a free port. */
async function serverWithSlowRoute() {
  const server = await buildServer(h.deps, { closeDeadlineMs: deadlineMs });
  let started!: () => void;
  const isRunning = new Promise<void>((resolve) => (started = resolve));
  server.post("/slow", async () => {
    started();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { done: true };
  });
  const address = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, port: Number(new URL(address).port), isRunning };
}

/** Raw HTTP/1.1 on one keep-alive connection: what it received, and whether the server closed it. */
function openConnection(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
  const closedByServer = new Promise<void>((resolve) =>
    socket.on("close", () => {
      resolve();
    }),
  );
  return { socket, received: () => received, closedByServer };
}

/** Resolves when `close` does, or rejects when it takes longer than `closeBoundMs`. */
async function closeWithinBound(close: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    close,
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`close() still waiting after ${closeBoundMs} ms`));
      }, closeBoundMs);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

describe("closing the server", () => {
  it("a keep-alive request running when closing starts -> answered in full with Connection: close, then the close completes", async () => {
    const { server, port, isRunning } = await serverWithSlowRoute();
    const connection = openConnection(port);
    connection.socket.write("POST /slow HTTP/1.1\r\nHost: api\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
    await isRunning;

    await closeWithinBound(server.close());
    await connection.closedByServer;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(connection.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(connection.received()).toContain('{"done":true}');
  });

  it("a request whose body never comes -> its connection is closed after the deadline, and the close completes", async () => {
    const { server, port } = await serverWithSlowRoute();
    const connection = openConnection(port);
    connection.socket.write(
      "POST /slow HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // the headers have arrived

    await closeWithinBound(server.close());
    await connection.closedByServer;
  });
});
