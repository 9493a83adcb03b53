// The inputs of one tRPC HTTP request, read the way tRPC's own adapter reads them
// (@trpc/server http/contentType.ts, `jsonContentTypeHandler`): parsed and deserialised only when
// a procedure first asks for its input, once per request. So a procedure without input never
// parses anything, a malformed input fails only the calls that read it, and all of them fail with
// the one error: BAD_REQUEST with JSON.parse's or the transformer's message, as the stock adapter says.
import { type TRPCCombinedDataTransformer, TRPCError } from "@trpc/server";
import { emptyObject, isObject } from "@trpc/server/unstable-core-do-not-import";

export interface CallInputs {
  /** The input of call `index`, deserialised (tRPC's `getRawInput`). */
  read: (index: number) => Promise<unknown>;
  /** The input of call `index` if it has been read already, else undefined (tRPC's `result()`, for error shapes). */
  readSoFar: (index: number) => unknown;
}

type Outcome = { inputs: Record<number, unknown> } | { error: TRPCError };

export function createCallInputs(options: {
  /** The JSON text: the `input` query parameter of a GET (undefined when absent or empty), a POST's body. */
  text: string | undefined;
  isBatchCall: boolean;
  callCount: number;
  transformer: TRPCCombinedDataTransformer;
}): CallInputs {
  const { text, isBatchCall, callCount, transformer } = options;

  function parse(): Outcome {
    try {
      const json: unknown = text === undefined ? undefined : JSON.parse(text);
      const inputs = emptyObject<Record<number, unknown>>();
      if (json === undefined) return { inputs };
      if (!isBatchCall) {
        inputs[0] = transformer.input.deserialize(json);
        return { inputs };
      }
      if (!isObject(json)) {
        throw new TRPCError({ code: "BAD_REQUEST", message: '"input" needs to be an object when doing a batch call' });
      }
      for (let index = 0; index < callCount; index++) {
        const input = json[index];
        if (input !== undefined) inputs[index] = transformer.input.deserialize(input);
      }
      return { inputs };
    } catch (cause) {
      if (cause instanceof TRPCError) return { error: cause };
      const message = cause instanceof Error ? cause.message : "Invalid input";
      return { error: new TRPCError({ code: "BAD_REQUEST", message, cause }) };
    }
  }

  let outcome: Outcome | undefined;
  return {
    // a promise, so that a parse failure is a rejection, as the procedure's input middleware expects
    read(index) {
      outcome ??= parse();
      return "error" in outcome ? Promise.reject(outcome.error) : Promise.resolve(outcome.inputs[index]);
    },
    readSoFar: (index) => (outcome && "inputs" in outcome ? outcome.inputs[index] : undefined),
  };
}
