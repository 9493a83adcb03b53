// What closing the server does to the connections it has (SIGTERM in main.ts calls server.close()).
// Fastify stops accepting connections, answers requests that arrive on an open connection with
// 503 (return503OnClosing), lets the requests it is running finish, and resolves once every
// connection has ended. Two things are added here:
//  - Node closes the connections that are idle at that moment; a keep-alive connection whose
//    request was still running is not idle then, and after its answer it would sit open until the
//    client or keepAliveTimeout (72 s in Fastify) ends it, holding the process up
//    (fastify/fastify#7044). So once closing has begun, every answer says `Connection: close`
//    (Node ends the connection once it is sent), and a connection whose answer was already on its
//    way when closing began is closed as soon as it falls idle.
//  - a request that never ends (a client that stops sending its body half-way: Fastify sets no
//    request timeout) would hold the close forever: after `deadlineMs`, whatever is still open is
//    closed. Every procedure's own waits are bounded well below that (database and Redis
//    timeouts, see the README), so no honest request is cut.
import type { ApiServer } from "./api-server.js";

/** How long closing waits for requests in flight before it closes their connections. */
export const defaultCloseDeadlineMs = 10_000;

export function registerGracefulClose(server: ApiServer, deadlineMs = defaultCloseDeadlineMs): void {
  let isClosing = false;
  let deadline: NodeJS.Timeout | undefined;
  server.addHook("preClose", (done) => {
    isClosing = true;
    deadline = setTimeout(() => {
      server.log.warn(`closing: requests still running after ${deadlineMs} ms; closing their connections`);
      server.server.closeAllConnections();
    }, deadlineMs);
    deadline.unref(); // nothing else to wait for: the process may end before it fires
    done();
  });
  server.addHook("onClose", (_instance, done) => {
    clearTimeout(deadline);
    done();
  });
  server.addHook("onSend", (_request, reply, payload, done) => {
    if (isClosing) void reply.header("connection", "close");
    done(null, payload);
  });
  server.addHook("onResponse", (_request, _reply, done) => {
    // the answer is sent; its connection counts as idle once Node has finished with it
    if (isClosing)
      setImmediate(() => {
        server.server.closeIdleConnections();
      });
    done();
  });
}
