import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import { transformer } from "./transformer.js";

/** What the server does with a request's input: JSON.parse, then the transformer. */
const received = (body: string): unknown => transformer.input.deserialize(JSON.parse(body));

describe("the input transformer", () => {
  it("is superjson both ways: dates, undefined and plain values arrive as sent", () => {
    const sent = { since: new Date("2026-01-01T00:00:00Z"), name: "Ada", tags: ["a"], missing: undefined };
    expect(transformer.input.serialize(sent)).toEqual(superjson.serialize(sent));
    expect(received(JSON.stringify(transformer.input.serialize(sent)))).toEqual(sent);
  });

  it('keeps a "__proto__" key as a plain own property (superjson alone drops it)', () => {
    const body = '{"json":{"email":"a@example.com","__proto__":{"roles":["admin"]}}}';
    expect(Object.keys(superjson.deserialize<object>(JSON.parse(body) as never))).toEqual(["email"]);
    const value = received(body) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["email", "__proto__"]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    // the very property JSON.parse made: enumerable, writable, configurable
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")).toEqual(
      Object.getOwnPropertyDescriptor((JSON.parse(body) as { json: object }).json, "__proto__"),
    );
    expect((value as { roles?: unknown }).roles).toBeUndefined();
    expect(({} as { roles?: unknown }).roles).toBeUndefined(); // nothing polluted
  });

  it("keeps it at any depth, beside superjson values, so a strict schema refuses it there", () => {
    const body =
      '{"json":{"filter":{"__proto__":{"x":1},"since":"2026-01-01T00:00:00.000Z"},"list":[{"__proto__":1}]},"meta":{"values":{"filter.since":["Date"]}}}';
    const value = received(body) as { filter: Record<string, unknown>; list: Record<string, unknown>[] };
    expect(value.filter.since).toEqual(new Date("2026-01-01T00:00:00Z"));
    expect(Object.keys(value.filter)).toContain("__proto__");
    expect(Object.keys(value.list[0] ?? {})).toEqual(["__proto__"]);
    const strict = z.strictObject({ filter: z.strictObject({ since: z.date() }), list: z.array(z.strictObject({})) });
    const issues = strict.safeParse(value).error?.issues ?? [];
    expect(issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: ["filter"], message: 'Unrecognized key: "__proto__"' },
      { path: ["list", 0], message: 'Unrecognized key: "__proto__"' },
    ]);
  });

  it("leaves inputs that are not objects alone", () => {
    expect(received('{"json":"an id"}')).toBe("an id");
    expect(received('{"json":null}')).toBeNull();
    expect(received("{}")).toBeUndefined();
  });
});
