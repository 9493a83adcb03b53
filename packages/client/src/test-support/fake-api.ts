// A stand-in for the API behind a fetch spy, for the client's unit tests of what it sends: it
// answers each call of a tRPC batch by procedure name, in tRPC's wire format (superjson), and
// records every request as the client made it (credentials, headers, inputs). The API's real
// behaviour is tested against the real server elsewhere.
import superjson from "superjson";

export const fakeUrl = "http://api.test/trpc";

export type Answer =
  | { data: unknown }
  | {
      error: {
        code: "UNAUTHORIZED" | "FORBIDDEN" | "TOO_MANY_REQUESTS" | "SERVICE_UNAVAILABLE";
        reason?: "session";
        message?: string;
      };
    };

export interface Call {
  path: string;
  input: unknown;
  headers: Headers;
  credentials: RequestInit["credentials"];
}

type Handler = (input: unknown, call: Call) => Answer;

const rpcCodes = {
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  TOO_MANY_REQUESTS: -32029,
  SERVICE_UNAVAILABLE: -32603,
} as const;
const httpStatuses = { UNAUTHORIZED: 401, FORBIDDEN: 403, TOO_MANY_REQUESTS: 429, SERVICE_UNAVAILABLE: 503 } as const;

export function fakeApi(handlers: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const paths = decodeURIComponent(url.pathname.slice(new URL(fakeUrl).pathname.length + 1)).split(",");
    const body = init?.body ?? url.searchParams.get("input");
    const inputs = (typeof body === "string" ? JSON.parse(body) : {}) as Record<string, unknown>;
    const answers = paths.map((path, index) => {
      const wire = inputs[String(index)];
      const callInput = wire === undefined ? undefined : superjson.deserialize(wire as never);
      const call = { path, input: callInput, headers: new Headers(init?.headers), credentials: init?.credentials };
      calls.push(call);
      const handler = handlers[path];
      if (!handler) throw new Error(`the fake API has no ${path}`);
      return toWire(handler(callInput, call), path);
    });
    const status = answers.some((answer) => "error" in answer) ? 207 : 200;
    return Promise.resolve(
      new Response(JSON.stringify(answers), { status, headers: { "content-type": "application/json" } }),
    );
  };
  return { fetch, calls, callsTo: (path: string) => calls.filter((call) => call.path === path) };
}

function toWire(answer: Answer, path: string) {
  if ("data" in answer) return { result: { data: superjson.serialize(answer.data) } };
  const { code, reason, message = code } = answer.error;
  const data = { code, httpStatus: httpStatuses[code], path, ...(reason ? { reason } : {}) };
  return { error: superjson.serialize({ message, code: rpcCodes[code], data }) };
}

export const unauthorized = (reason?: "session"): Answer => ({
  error: { code: "UNAUTHORIZED", ...(reason ? { reason } : {}), message: reason ? "session expired" : "refused" },
});
