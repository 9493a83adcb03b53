// The wire format of data: superjson (dates stay dates), with one change on the way in.
//
// JSON.parse keeps a `"__proto__"` key as a plain own property, but superjson rebuilds every object
// and drops it, so a strict input never saw the key and a call carrying `"__proto__": {...}` ran
// as if it were not there. Here the key is put back on the rebuilt object as a plain own property
// (defined, never assigned: nothing reaches a prototype), so that zod's strictObject refuses it
// like any other unknown key (BAD_REQUEST, "Unrecognized key"). Calls through createCaller skip the
// transformer and reach zod with the key as JSON.parse left it.
import type { CombinedDataTransformer } from "@trpc/server";
import superjson, { type SuperJSONResult } from "superjson";

const protoKey = "__proto__";

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Copies every own "__proto__" key of the parsed JSON onto the same place in superjson's result. */
function restoreProtoKeys(parsed: unknown, rebuilt: unknown): void {
  if (Array.isArray(parsed) && Array.isArray(rebuilt)) {
    parsed.forEach((item, index) => {
      restoreProtoKeys(item, rebuilt[index]);
    });
    return;
  }
  if (!isPlainRecord(parsed) || !isPlainRecord(rebuilt)) return;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === protoKey) {
      Object.defineProperty(rebuilt, protoKey, { value, enumerable: true, writable: true, configurable: true });
    } else {
      restoreProtoKeys(value, rebuilt[key]);
    }
  }
}

export const transformer: CombinedDataTransformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize(payload: SuperJSONResult) {
      const value = superjson.deserialize(payload);
      restoreProtoKeys(isPlainRecord(payload) ? payload.json : undefined, value);
      return value;
    },
  },
  output: superjson,
};
