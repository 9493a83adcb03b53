// A TCP proxy on 127.0.0.1 (a free port) in front of a real Postgres or Redis, that a test can
// partition: what a failover, a dead link or a firewall that drops packets looks like to the API.
//   partition()  bytes stop flowing in both directions and nothing is reset: every socket stays
//                open, new connections are accepted and held. Bytes sent meanwhile are held, as
//                the kernels' TCP retransmissions would hold them, and delivered in order on heal.
//   partitionAfter(n)  the same, once n more chunks have come from the client: a partition that
//                starts in the middle of a call (0: at the call's first bytes)
//   heal()       held bytes are delivered, then bytes flow again; a side that closed during the
//                partition is closed on the other side now (its FIN was held too).
//   resetWhen(from, bytes)  the next chunk from the client (or the server) that contains `bytes`
//                is not delivered: its connection is reset on both sides instead. A link that
//                dies between two steps: a command that never reaches Redis, a COMMIT that never
//                reaches Postgres, or one that does and whose answer is lost.
// The proxy keeps reading from both sides while partitioned (into memory), so it sees a client
// close a socket it gave up on: `openClientSockets()` tells a test whether the API let go, and
// `clientSocketsFromBeforeThePartition()` whether it let go of the connections the partition cut.
import { type AddressInfo, connect, createServer, type Socket } from "node:net";

export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's (credentials, path and query kept). */
  readonly url: string;
  partition(): void;
  partitionAfter(chunks: number): void;
  heal(): void;
  resetWhen(from: "client" | "server", bytes: string): void;
  /** Sockets the client side (the API) holds open to the proxy now (neither ended nor reset by it). */
  openClientSockets(): number;
  /** Of those, the ones that were open when the last partition started. */
  clientSocketsFromBeforeThePartition(): number;
  /** Destroys every socket and stops listening. */
  close(): Promise<void>;
}

/** One direction of one connection: bytes from `from` are written to `to`, or held. */
interface Direction {
  from: Socket;
  to: Socket;
  held: Buffer[];
  /** `from` ended (or closed) while partitioned: end `to` once the held bytes are delivered. */
  hasEnded: boolean;
}

/** A proxy to the host and port of `targetUrl` (redis://, postgres://, …). */
export async function createTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const defaultPort = target.protocol.startsWith("redis") ? 6379 : 5432;
  let isPartitioned = false;
  /** Client chunks still to forward before the partition armed by partitionAfter starts. */
  let chunksBeforePartition: number | undefined;
  const directions = new Set<Direction>();
  const clientSockets = new Set<Socket>();
  let openAtPartition = new Set<Socket>();
  let resetTrigger: { fromClient: boolean; bytes: string } | undefined;
  const startPartition = () => {
    isPartitioned = true;
    openAtPartition = new Set(clientSockets);
  };

  const deliver = (direction: Direction) => {
    for (const chunk of direction.held.splice(0)) direction.to.write(chunk);
    if (direction.hasEnded) direction.to.end();
  };

  const forward = (from: Socket, to: Socket, isFromClient: boolean) => {
    const direction: Direction = { from, to, held: [], hasEnded: false };
    directions.add(direction);
    from.on("data", (chunk: Buffer) => {
      if (resetTrigger?.fromClient === isFromClient && chunk.includes(resetTrigger.bytes)) {
        resetTrigger = undefined;
        from.resetAndDestroy();
        to.resetAndDestroy();
        return;
      }
      if (isFromClient && chunksBeforePartition !== undefined && chunksBeforePartition-- === 0) {
        chunksBeforePartition = undefined;
        startPartition();
      }
      if (isPartitioned) direction.held.push(chunk);
      else to.write(chunk);
    });
    const ended = () => {
      if (direction.hasEnded) return;
      direction.hasEnded = true;
      if (!isPartitioned) to.end();
    };
    from.on("end", ended);
    from.on("close", () => {
      ended();
      if (!isPartitioned) directions.delete(direction);
    });
    from.on("error", () => {}); // a reset or a write after close: "close" follows
  };

  const server = createServer({ allowHalfOpen: true }, (client) => {
    clientSockets.add(client);
    // the API let go of it: a FIN (end) or a reset (close)
    for (const event of ["end", "close"]) client.on(event, () => clientSockets.delete(client));
    const upstream = connect({ host: target.hostname, port: Number(target.port || defaultPort), allowHalfOpen: true });
    forward(client, upstream, true);
    forward(upstream, client, false);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);

  return {
    url: url.toString(),
    partition: startPartition,
    partitionAfter(chunks) {
      chunksBeforePartition = chunks;
    },
    heal() {
      isPartitioned = false;
      chunksBeforePartition = undefined;
      for (const direction of directions) {
        deliver(direction);
        if (direction.from.destroyed) directions.delete(direction);
      }
    },
    resetWhen(from, bytes) {
      resetTrigger = { fromClient: from === "client", bytes };
    },
    openClientSockets: () => clientSockets.size,
    clientSocketsFromBeforeThePartition: () =>
      [...openAtPartition].filter((socket) => clientSockets.has(socket)).length,
    async close() {
      isPartitioned = false;
      for (const { from, to } of directions) {
        from.destroy();
        to.destroy();
      }
      directions.clear();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
