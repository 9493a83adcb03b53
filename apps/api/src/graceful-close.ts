// What closing the server does to the connections it has (SIGTERM in main.ts calls server.close()).
// Fastify stops accepting connections, answers requests that arrive on an open connection with
// 503 (return503OnClosing), lets the requests it is running finish, and resolves once every
// connection has ended. Node closes the connections that are idle at that moment; a keep-alive
// connection whose request was still running is not idle then, and after its answer it would sit
// open until the client or keepAliveTimeout (72 s in Fastify) ends it, holding the process up
// (fastify/fastify#7044). So once closing has begun, every answer says `Connection: close`, and
// Node ends its connection as soon as it is sent; a connection whose answer was already on its way
// when closing began is closed as soon as it falls idle.
import type { ApiServer } from "./api-server.js";

export function registerGracefulClose(server: ApiServer): void {
  let isClosing = false;
  server.addHook("preClose", (done) => {
    isClosing = true;
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
