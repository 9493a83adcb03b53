import { describe, expect, it } from "vitest";
import { z } from "zod";

import { defaultPageSize, pageFields, pageQuery, toPage } from "./pagination.js";

describe("pageFields", () => {
  const input = z.strictObject({ ...pageFields(100) }).prefault({});

  it("defaults to the first page of defaultPageSize rows when nothing is given", () => {
    expect(input.parse(undefined)).toEqual({ limit: defaultPageSize });
    expect(input.parse({})).toEqual({ limit: defaultPageSize });
  });

  it("accepts a cursor and a whole limit from 1 to the maximum", () => {
    expect(input.parse({ cursor: "row-42", limit: 1 })).toEqual({ cursor: "row-42", limit: 1 });
    expect(input.parse({ limit: 100 })).toEqual({ limit: 100 });
  });

  it.each([
    ["a limit of 0", { limit: 0 }],
    ["a limit above the maximum", { limit: 101 }],
    ["a fractional limit", { limit: 2.5 }],
    ["an empty cursor", { cursor: "" }],
    ["a cursor longer than an id can be", { cursor: "x".repeat(65) }],
  ])("refuses %s", (_, page) => {
    expect(input.safeParse(page).success).toBe(false);
  });
});

describe("pageQuery", () => {
  it("reads one row past the limit, from the start", () => {
    expect(pageQuery({ limit: 10 })).toEqual({ take: 11 });
  });

  it("starts at the cursor's row when given one", () => {
    expect(pageQuery({ cursor: "row-42", limit: 10 })).toEqual({ take: 11, cursor: { id: "row-42" } });
  });
});

describe("toPage", () => {
  const rows = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `row-${i}` }));

  it("on the last page (no row past the limit), keeps every row and gives no cursor", () => {
    expect(toPage(rows(3), 5)).toEqual({ items: rows(3), nextCursor: null });
    expect(toPage(rows(5), 5)).toEqual({ items: rows(5), nextCursor: null });
    expect(toPage([], 5)).toEqual({ items: [], nextCursor: null });
  });

  it("with the row past the limit, keeps `limit` rows and points the cursor at that row", () => {
    expect(toPage(rows(6), 5)).toEqual({ items: rows(5), nextCursor: "row-5" });
  });
});
