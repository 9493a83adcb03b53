// The soak counts the API's own Redis clients by the local ports of the API's sockets: these must
// be exactly the process's open TCP sockets, IPv4 and IPv6.
import { connect, createServer, type Server, type Socket } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { localTcpPortsOf, residentBytesOf } from "./process-stats.js";

const isLinux = process.platform === "linux";
const opened: (Server | Socket)[] = [];
afterEach(() => {
  for (const handle of opened.splice(0)) {
    if ("destroy" in handle) handle.destroy();
    else handle.close();
  }
});

async function connectedPair(host: string) {
  const server = createServer();
  opened.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  const socket = connect(port, host);
  opened.push(socket);
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  return { serverPort: port, socket };
}

describe.runIf(isLinux)("process stats (/proc)", () => {
  it.each(["127.0.0.1", "::1"])(
    "lists the local ports of this process's TCP sockets on %s, and forgets closed ones",
    async (host) => {
      const { serverPort, socket } = await connectedPair(host);
      const clientPort = socket.localPort ?? 0;
      const ports = localTcpPortsOf(process.pid);
      expect(ports.has(clientPort)).toBe(true);
      expect(ports.has(serverPort)).toBe(true);

      socket.destroy();
      await new Promise((resolve) => socket.once("close", resolve));
      expect(localTcpPortsOf(process.pid).has(clientPort)).toBe(false);
    },
  );

  it("reads the resident memory of a process in bytes", () => {
    const rss = residentBytesOf(process.pid);
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(Math.abs(rss - process.memoryUsage.rss()) / rss).toBeLessThan(0.2);
  });
});
