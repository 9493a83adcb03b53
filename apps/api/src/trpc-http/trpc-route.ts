// tRPC under a prefix (/trpc) as one Fastify route: the requests @trpc/client's httpLink and
// httpBatchLink send (GET queries, POST mutations, JSON, batched or not) are answered by
// answer-json-request.ts, without the Fetch objects tRPC's stock adapter builds for every call;
// everything else goes to that stock adapter (`fastifyRequestHandler`), in the same route and with
// the same options, so no request is answered differently: streaming batches (trpc-accept /
// accept: application/jsonl), subscriptions, HEAD, other methods, non-JSON bodies, paths tRPC
// would URL-decode a second time.
//
// Limit: a client that goes away is noticed through the response's "close" event (an AbortSignal
// procedures receive), as the stock adapter does; no procedure of this API reads it today.
import type { AnyTRPCRouter, inferRouterContext } from "@trpc/server";
import { type CreateFastifyContextOptions, fastifyRequestHandler } from "@trpc/server/adapters/fastify";
import type { HTTPBaseHandlerOptions } from "@trpc/server/http";
import type { FastifyReply, FastifyRequest } from "fastify";

import type { ApiServer } from "../api-server.js";
import { answerJsonRequest, type JsonAnswer, type JsonRequest } from "./answer-json-request.js";

/** The stock adapter's options that this route implements (both paths take the same object). */
export interface TRPCRouteOptions<TRouter extends AnyTRPCRouter> extends Pick<
  HTTPBaseHandlerOptions<TRouter, FastifyRequest>,
  "router" | "onError" | "responseMeta" | "maxBatchSize"
> {
  createContext: (
    opts: CreateFastifyContextOptions,
  ) => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
}

type StockHandlerOptions<TRouter extends AnyTRPCRouter> = Parameters<
  typeof fastifyRequestHandler<TRouter, FastifyRequest, FastifyReply>
>[0];

export async function registerTRPCRoute<TRouter extends AnyTRPCRouter>(
  server: ApiServer,
  prefix: string,
  trpcOptions: TRPCRouteOptions<TRouter>,
): Promise<void> {
  await server.register(
    (scope, _options, done) => {
      // as fastifyTRPCPlugin does: tRPC parses JSON bodies itself (from text) and streams multipart ones
      scope.removeContentTypeParser("application/json");
      scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, parsed) => {
        parsed(null, body);
      });
      scope.removeContentTypeParser("multipart/form-data");
      scope.addContentTypeParser("multipart/form-data", {}, (_request, body, parsed) => {
        parsed(null, body);
      });

      scope.all<{ Params: { path: string } }>("/:path", async (request, reply) => {
        const { path } = request.params;
        const jsonRequest = asJsonRequest(request, path);
        const answer =
          jsonRequest &&
          (await answerJsonRequest(jsonRequest, {
            ...trpcOptions,
            req: request,
            signal: abortedWhenClientLeaves(reply),
            createContext: async (info) => trpcOptions.createContext({ req: request, res: reply, info }),
          }));
        if (!answer) {
          // (the cast: tRPC types createContext as optional or not by the router's context type, which
          // a generic TRouter leaves open)
          const stockOptions = { ...trpcOptions, req: request, res: reply, path } as StockHandlerOptions<TRouter>;
          await fastifyRequestHandler(stockOptions);
          return reply;
        }
        return send(reply, answer);
      });
      done();
    },
    { prefix },
  );
}

/** The request as answerJsonRequest takes it, or undefined when tRPC's own handler should answer it. */
function asJsonRequest(request: FastifyRequest, path: string): JsonRequest | undefined {
  const { method, headers, url } = request;
  if (method !== "GET" && method !== "POST") return undefined;
  if (headers["trpc-accept"] !== undefined || headers.accept?.includes("application/jsonl")) return undefined;
  // tRPC decodes the path once more (Fastify did once); no procedure's path has a "%" in it.
  // A "#" starts a fragment for the URL parser tRPC uses; clients never send one.
  if (path.includes("%") || url.includes("#")) return undefined;
  const contentType = headers["content-type"];
  const isJson = contentType?.split(";", 1)[0]?.trim().toLowerCase() === "application/json";
  // a GET without a content-type is JSON to tRPC (a URL opened in a browser); any other is not ours
  if (method === "GET" ? contentType !== undefined && !isJson : !isJson || typeof request.body !== "string") {
    return undefined;
  }
  const queryStart = url.indexOf("?");
  return {
    method,
    path,
    // URLSearchParams, as tRPC reads the query (Fastify's own parser differs on repeated keys)
    searchParams: new URLSearchParams(queryStart === -1 ? "" : url.slice(queryStart + 1)),
    // what the Fetch API's `request.json()` reads: the text without a byte order mark
    body: typeof request.body === "string" ? request.body.replace(/^\uFEFF/, "") : undefined,
  };
}

/** Aborted when the connection closes before the answer was written (tRPC's incomingMessageToRequest). */
function abortedWhenClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableEnded) controller.abort();
  });
  return controller.signal;
}

const asIs = (body: unknown) => body as string;

function send(reply: FastifyReply, answer: JsonAnswer): FastifyReply {
  void reply.code(answer.status);
  for (const [name, value] of answer.headers) {
    // the stock adapter's Vary comes first and what CORS set (Origin) after it, as cors.ts arranges
    const varied = reply.getHeader("vary");
    void reply.header(name, name === "vary" && typeof varied === "string" ? `${String(value)}, ${varied}` : value);
  }
  // the body is JSON text already; with a serializer of its own (the identity) Fastify sends it and
  // the content-type as they are (it would add "; charset=utf-8", which the stock adapter does not),
  // and Node writes the headers and a string body in one write, a Buffer in two
  return reply.serializer(asIs).send(answer.body);
}
