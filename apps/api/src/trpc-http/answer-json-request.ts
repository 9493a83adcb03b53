// One tRPC HTTP request with JSON in and JSON out (what @trpc/client's httpLink and httpBatchLink
// send), answered as tRPC's own `resolveResponse` answers it, without the Fetch API.
//
// Why: the stock adapter turns every call into a WHATWG Request, AbortSignals and a streamed
// Response; for a small procedure that is most of the cost. This module follows resolveResponse
// (@trpc/server unstable-core-do-not-import/http/resolveResponse.ts, v11) step by step for its
// JSON branch and calls tRPC's own building blocks for everything with a rule in it (procedure
// lookup, error shapes and their formatter, HTTP status of a batch, the transformer), so the status
// codes, bodies and headers are the stock adapter's. trpc-http.test.ts sends the same requests to
// both and compares. Subscriptions (and anything trpc-route.ts does not hand here) stay with tRPC.
import {
  type AnyTRPCRootTypes,
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type inferRouterContext,
  transformTRPCResponse,
  TRPCError,
  type TRPCErrorShape,
  type TRPCProcedureType,
  type TRPCRootConfig,
} from "@trpc/server";
import {
  getHTTPStatusCode,
  type HTTPBaseHandlerOptions,
  parseConnectionParamsFromString,
  type ResponseMeta,
  type TRPCRequestInfo,
} from "@trpc/server/http";
import {
  getProcedureAtPath,
  isAsyncIterable,
  isObject,
  isPromise,
  type TRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";

import { createCallInputs } from "./call-inputs.js";

export interface JsonRequest {
  method: "GET" | "POST";
  /** The tRPC path from the URL (`auth.me`; a batch: `auth.me,users.list`). */
  path: string;
  searchParams: URLSearchParams;
  /** A POST's body, as text (a GET's input is in `searchParams`). */
  body: string | undefined;
}

export interface JsonAnswer {
  status: number;
  headers: Map<string, string | string[]>;
  body: string;
}

export interface AnswerOptions<TRouter extends AnyTRPCRouter, TRequest> extends Pick<
  HTTPBaseHandlerOptions<TRouter, TRequest>,
  "router" | "onError" | "responseMeta" | "maxBatchSize"
> {
  /** The request as `onError` receives it. */
  req: TRequest;
  createContext: (info: TRPCRequestInfo) => Promise<inferRouterContext<TRouter>>;
  /** Aborted when the client goes away before its answer. */
  signal: AbortSignal;
}

type CallOutcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };
type Call = TRPCRequestInfo["calls"][number];

/** A query is a GET, a mutation a POST (tRPC's method override is not enabled here). */
const methodOf: Record<TRPCProcedureType, JsonRequest["method"]> = {
  query: "GET",
  mutation: "POST",
  subscription: "GET",
};

/**
 * The answer, or undefined for a subscription (tRPC streams it: trpc-route.ts hands it over).
 * Throws only where resolveResponse would (an error formatter or `responseMeta` that throws).
 */
export async function answerJsonRequest<TRouter extends AnyTRPCRouter, TRequest>(
  request: JsonRequest,
  opts: AnswerOptions<TRouter, TRequest>,
): Promise<JsonAnswer | undefined> {
  // (a generic router's config is RootConfig<any>: the formatter and transformer are typed by the router)
  const config = opts.router._def._config as TRPCRootConfig<AnyTRPCRootTypes>;
  const headers = new Map<string, string | string[]>([["vary", "trpc-accept, accept"]]);
  let info: TRPCRequestInfo | undefined;
  let ctx: inferRouterContext<TRouter> | undefined;

  /** The error as the router's errorFormatter shapes it (the formatter's type is the router's). */
  const errorShapeOf = (error: TRPCError, call: Call | undefined, type: TRPCProcedureType | "unknown") =>
    getTRPCErrorShape({ config, ctx, error, input: call?.result(), path: call?.path, type }) as TRPCErrorShape;

  /** resolveResponse's `initResponse`: the status from the results, then what responseMeta says. */
  function statusAfterResponseMeta(responses: TRPCResponse[], errors: TRPCError[]): number {
    const meta: ResponseMeta =
      opts.responseMeta?.({
        ctx,
        info,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- tRPC v11 still passes it
        paths: info?.calls.map((call) => call.path),
        data: responses,
        errors,
        eagerGeneration: false,
        type: info?.calls.find((call) => call.procedure)?.procedure?._def.type ?? "unknown",
      }) ?? {};
    setResponseMetaHeaders(headers, meta.headers);
    return meta.status ?? getHTTPStatusCode(responses);
  }

  try {
    info = await readRequestInfo(request, opts);
    if (info.type === "subscription") return undefined;
    const { calls } = info;

    let contextError: TRPCError | undefined;
    try {
      ctx = await opts.createContext(info);
    } catch (cause) {
      contextError = getTRPCErrorFromUnknown(cause);
    }

    const runCall = async (call: Call): Promise<CallOutcome> => {
      const { procedure } = call;
      try {
        if (!procedure)
          throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${call.path}"` });
        const { type } = procedure._def;
        if (methodOf[type] !== request.method) {
          const message = `Unsupported ${request.method}-request to ${type} procedure at path "${call.path}"`;
          throw new TRPCError({ code: "METHOD_NOT_SUPPORTED", message });
        }
        if (contextError) throw contextError;
        const { path, getRawInput, batchIndex } = call;
        const data: unknown = await procedure({ path, getRawInput, ctx, type, signal: opts.signal, batchIndex });
        return { ok: true, data };
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        const type = procedure?._def.type ?? "unknown";
        opts.onError?.({ error, path: call.path, input: call.result(), ctx, type, req: opts.req });
        return { ok: false, error };
      }
    };
    const outcomes = await Promise.all(calls.map(runCall));

    headers.set("content-type", "application/json");
    // a promise or an iterable inside the data needs httpBatchStreamLink: an error of the whole
    // request for a single call, of that call in a batch (as resolveResponse decides)
    if (!info.isBatchCall && outcomes[0]?.ok && isDataStream(outcomes[0].data)) throw streamNeeded();
    const checked = outcomes.map((outcome): CallOutcome => {
      return outcome.ok && isDataStream(outcome.data) ? { ok: false, error: streamNeeded() } : outcome;
    });
    const responses = checked.map((outcome, index): TRPCResponse => {
      if (outcome.ok) return { result: { data: outcome.data } };
      const call = calls[index];
      return { error: errorShapeOf(outcome.error, call, call?.procedure?._def.type ?? "unknown") };
    });
    const errors = checked.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));

    const status = statusAfterResponseMeta(responses, errors);
    const transformed = responses.map((response) => transformTRPCResponse(config, response));
    const body = JSON.stringify(info.isBatchCall ? transformed : transformed[0]);
    return { status, headers, body };
  } catch (cause) {
    // the whole request failed: too large a batch, mixed procedure types, bad connectionParams,
    // data the transformer cannot serialise, ... one error, without a path
    const error = getTRPCErrorFromUnknown(cause);
    const type = info?.type ?? "unknown";
    opts.onError?.({ error, path: undefined, input: undefined, ctx, type, req: opts.req });
    const response = { error: errorShapeOf(error, undefined, type) };
    const body = JSON.stringify(transformTRPCResponse(config, response));
    const status = statusAfterResponseMeta([response], [error]);
    // resolveResponse answers these with `new Response(body)` and no content-type of its own, which
    // the Fetch API fills in as text/plain; clients parse the body as JSON whatever it says
    if (!headers.has("content-type")) headers.set("content-type", "text/plain;charset=UTF-8");
    return { status, headers, body };
  }
}

/** contentType.ts's `jsonContentTypeHandler.parse`: the calls, before any of them runs. */
async function readRequestInfo<TRouter extends AnyTRPCRouter, TRequest>(
  request: JsonRequest,
  opts: AnswerOptions<TRouter, TRequest>,
): Promise<TRPCRequestInfo> {
  const { searchParams } = request;
  const isBatchCall = searchParams.get("batch") === "1";
  const paths = isBatchCall ? request.path.split(",") : [request.path];
  if (isBatchCall && opts.maxBatchSize !== undefined && paths.length > opts.maxBatchSize) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Batch call exceeds maximum size" });
  }
  const inputs = createCallInputs({
    text: request.method === "GET" ? searchParams.get("input") || undefined : request.body,
    isBatchCall,
    callCount: paths.length,
    transformer: opts.router._def._config.transformer,
  });
  const calls = await Promise.all(
    paths.map(async (path, index): Promise<Call> => ({
      batchIndex: index,
      path,
      procedure: await getProcedureAtPath(opts.router, path),
      getRawInput: () => inputs.read(index),
      result: () => inputs.readSoFar(index),
    })),
  );
  const types = new Set(calls.flatMap((call) => (call.procedure ? [call.procedure._def.type] : [])));
  if (types.size > 1) {
    const message = `Cannot mix procedure types in call: ${[...types].join(", ")}`;
    throw new TRPCError({ code: "BAD_REQUEST", message });
  }
  const connectionParams = searchParams.get("connectionParams");
  return {
    isBatchCall,
    accept: null, // trpc-route.ts hands streaming (trpc-accept: application/jsonl) to tRPC
    calls,
    type: types.values().next().value ?? "unknown",
    connectionParams: connectionParams === null ? null : parseConnectionParamsFromString(connectionParams),
    signal: opts.signal,
    url: null, // building a URL per request is part of what this path saves; no createContext here reads it
  };
}

/** Headers from `responseMeta`: a record's string values replace, arrays and a Headers object add (as tRPC does). */
function setResponseMetaHeaders(headers: JsonAnswer["headers"], metaHeaders: ResponseMeta["headers"]): void {
  if (!metaHeaders) return;
  const append = (name: string, value: string) => {
    const existing = headers.get(name);
    if (name === "set-cookie") headers.set(name, [existing ?? []].flat().concat(value));
    else headers.set(name, existing === undefined ? value : `${String(existing)}, ${value}`);
  };
  if (metaHeaders instanceof Headers) {
    metaHeaders.forEach((value, name) => {
      append(name, value);
    });
    return;
  }
  for (const [name, value] of Object.entries(metaHeaders)) {
    if (Array.isArray(value)) for (const item of value) append(name.toLowerCase(), item);
    else if (typeof value === "string") headers.set(name.toLowerCase(), value);
  }
}

/** resolveResponse's `isDataStream`: data only a streaming link can carry. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  return Object.values(value).some((item) => isPromise(item) || isAsyncIterable(item));
}

const streamNeeded = () =>
  new TRPCError({
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
  });
