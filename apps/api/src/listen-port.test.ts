import { type AddressInfo, createServer, type Server } from "node:net";

import { describe, expect, it } from "vitest";

import { assertPortAvailable } from "./listen-port.js";
import { StartupError } from "./startup-error.js";

const listen = (port: number, server: Server = createServer()) =>
  new Promise<Server>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve(server);
    });
  });
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe("assertPortAvailable", () => {
  it("a port in use is a StartupError naming it", async () => {
    const blocker = await listen(0);
    const { port } = blocker.address() as AddressInfo;
    try {
      const probing = assertPortAvailable("127.0.0.1", port);
      await expect(probing).rejects.toBeInstanceOf(StartupError);
      await expect(probing).rejects.toThrow(`Port ${port} is already in use: stop the other process or set PORT`);
    } finally {
      await close(blocker);
    }
  });

  it("a free port is let go again, for the server to take", async () => {
    const { port } = (await listen(0).then(async (server) => {
      const address = server.address();
      await close(server);
      return address;
    })) as AddressInfo;
    await assertPortAvailable("127.0.0.1", port);
    await close(await listen(port));
  });

  it("a HOST that is not an address of this machine says so", async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface
    await expect(assertPortAvailable("192.0.2.1", 0)).rejects.toThrow(
      /^Cannot listen on HOST=192\.0\.2\.1: not an address of this machine/,
    );
  });
});
