// The ACL rules the README prints are the ones the code ships (specialist.test.ts in apps/api runs
// a specialist under them against a real Redis and proves it cannot write).
import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { specialistAclRules } from "./redis-acl.js";

describe("specialistAclRules", () => {
  it.each(["../README.md", "../../../README.md"])("is what %s tells operators to run", (path) => {
    const readme = readFileSync(new URL(path, import.meta.url), "utf8");
    expect(readme).toContain(`ACL SETUSER notes on >PASSWORD ${specialistAclRules().join(" ")}\n`);
  });

  it("grants reads of the registry's keys only, under the prefix it is given", () => {
    expect(specialistAclRules("billing:")).toEqual(expect.arrayContaining(["%R~billing:*", "&billing:changes"]));
    expect(specialistAclRules().some((rule) => /^\+(set|del|publish|eval|@write|@all)/i.test(rule))).toBe(false);
  });
});
