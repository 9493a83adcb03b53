// A client pointed at the wrong place says so in one line, against real servers: the API's Fastify
// server at a URL where it serves no tRPC, a plain HTTP server answering an HTML page, a closed port.
import { createServer as createHttpServer, type Server } from "node:http";
import { type AddressInfo, createServer } from "node:net";

import { useTestServer } from "@platform/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createClient, createNotesClient, describeTransportError, isIdentityError, TRPCClientError } from "./index.js";

const api = useTestServer();
let htmlServer: Server;
let htmlUrl: string;

beforeAll(async () => {
  // what a front-end dev server answers for any path
  htmlServer = createHttpServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title>");
  });
  await new Promise<void>((resolve) => htmlServer.listen(0, "127.0.0.1", resolve));
  htmlUrl = `http://127.0.0.1:${(htmlServer.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) =>
      htmlServer.close(() => {
        resolve();
      }),
    ),
);

/** A port nothing listens on: one the system just handed out, then closed. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => {
        resolve(port);
      });
    });
  });

/** What a call was refused with; fails the test if it was not refused. */
async function refusal(call: Promise<unknown>): Promise<TRPCClientError<never>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<never>;
    throw error;
  }
  throw new Error("the call was not refused");
}

const oneLine = (message: string) => {
  expect(message.split("\n")).toHaveLength(1);
  return message;
};

describe("transport failures, in one line", () => {
  it("the API's server without /trpc: no tRPC endpoint here, did you mean …/trpc?", async () => {
    const base = new URL(api.url).origin;
    const error = await refusal(createClient({ url: base }).auth.me.query());
    expect(oneLine(error.message)).toBe(`No tRPC endpoint at ${base} (did you mean ${base}/trpc?)`);
    expect(isIdentityError(error)).toBe(false);
    // the original error stays beneath, for whoever debugs it
    expect((error.cause as Error).message).toBe("Unable to transform response from server");

    const wrongPath = `${base}/api`;
    const onMutation = await refusal(
      createClient({ url: wrongPath }).auth.signIn.mutate({ email: "a@example.com", password: "whatever" }),
    );
    expect(oneLine(onMutation.message)).toBe(`No tRPC endpoint at ${wrongPath} (did you mean ${base}/trpc?)`);
  });

  it("a server answering HTML: no tRPC endpoint here", async () => {
    const error = await refusal(createClient({ url: `${htmlUrl}/trpc` }).auth.me.query());
    // /trpc is already the suggestion: no "did you mean" pointing at itself
    expect(oneLine(error.message)).toBe(`No tRPC endpoint at ${htmlUrl}/trpc`);
  });

  it("a closed port: cannot reach the API, with the reason", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/trpc`;
    const error = await refusal(createClient({ url }).auth.me.query());
    expect(oneLine(error.message)).toBe(
      `Cannot reach the API at ${url} (ECONNREFUSED): is it running? (pnpm start, or pnpm dev)`,
    );
  });

  it("a specialist's client says the same of its own URL", async () => {
    const identity = createClient({ url: api.url });
    const url = `http://127.0.0.1:${await closedPort()}/trpc`;
    const error = await refusal(createNotesClient({ url, identity }).notes.list.query());
    expect(oneLine(error.message)).toMatch(new RegExp(`^Cannot reach the API at ${url} \\(ECONNREFUSED\\)`));
  });

  it("leaves alone what the server answered, and aborted calls", async () => {
    const served = await refusal(createClient({ url: api.url }).auth.me.query());
    expect(served.message).toBe("Not signed in, or the session has ended");

    const controller = new AbortController();
    const call = createClient({ url: `${htmlUrl}/trpc` }).auth.me.query(undefined, { signal: controller.signal });
    controller.abort();
    const aborted = await refusal(call);
    expect(aborted.message).not.toMatch(/No tRPC endpoint|Cannot reach/);
    expect(describeTransportError(new Error("fetch failed"), api.url)).toBeUndefined();
  });
});
