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
    const rules = specialistAclRules();
    // keys: read-only under the prefix, nothing else; channels: the change channel only
    expect(rules.filter((rule) => rule.includes("~"))).toEqual(["%R~auth:*"]);
    expect(rules.filter((rule) => rule.startsWith("&"))).toEqual(["&auth:changes"]);
    // commands: everything off, then exactly these
    expect(rules.filter((rule) => /^[+-]/.test(rule))).toEqual([
      "-@all",
      "+mget",
      "+get",
      "+subscribe",
      "+ping",
      "+info",
      "+client|setname",
      "+cluster|slots",
      "+cluster|info",
    ]);
    expect(rules.filter((rule) => !/^([+-]|%R~|&)/.test(rule))).toEqual(["resetkeys", "resetchannels"]);
  });
});
