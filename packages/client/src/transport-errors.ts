// When a call never reached a tRPC endpoint, tRPC says "fetch failed" or "Unable to transform
// response from server" and leaves the reason in a chain of causes. This link puts it in one line a
// person can act on ("Cannot reach the API at …", "No tRPC endpoint at … (did you mean …/trpc?)"),
// keeping the original error as `cause`. createClient installs it, and `pnpm verify` prints its
// message: there is one wording, here.
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable } from "@trpc/server/observable";

/**
 * The one-line description of a call that did not reach a tRPC endpoint at `url`, or undefined
 * when it did (the server's own errors have `data`) or when it was something else (an abort).
 */
export function describeTransportError(error: unknown, url: string): string | undefined {
  if (!(error instanceof TRPCClientError) || error.data !== undefined) return undefined;
  const cause: unknown = error.cause;
  // fetch rejects with a TypeError ("fetch failed" in Node, "Failed to fetch" in browsers); in Node
  // the reason is beneath it: ECONNREFUSED, ENOTFOUND, "bad port"...
  if (cause instanceof TypeError) {
    const reason = cause.cause as { code?: unknown; message?: unknown } | undefined;
    const why = typeof reason?.code === "string" ? reason.code : reason?.message;
    return `Cannot reach the API at ${url}${typeof why === "string" ? ` (${why})` : ""}: is it running? (pnpm start, or pnpm dev)`;
  }
  // something answered, but not in tRPC's envelope (a 404 page, another server): tRPC's
  // TransformResultError, or JSON.parse's SyntaxError for a body that is not JSON
  if (cause instanceof SyntaxError || (cause instanceof Error && cause.message === notTrpcMessage)) {
    const suggestion = URL.canParse(url) ? new URL("/trpc", url).toString() : undefined;
    const hint = suggestion && suggestion !== url ? ` (did you mean ${suggestion}?)` : "";
    return `No tRPC endpoint at ${url}${hint}`;
  }
  return undefined;
}

/** tRPC's words for an answer that is not a tRPC response (its TransformResultError). */
const notTrpcMessage = "Unable to transform response from server";

/** A link that replaces a transport failure by a TRPCClientError saying it in one line (see above). */
export function transportErrorLink<TRouter extends AnyTRPCRouter>(url: string): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
          next: (value) => {
            observer.next(value);
          },
          error: (error) => {
            const message = describeTransportError(error, url);
            observer.error(
              message === undefined ? error : new TRPCClientError(message, { cause: error, meta: error.meta }),
            );
          },
          complete: () => {
            observer.complete();
          },
        }),
      );
}
