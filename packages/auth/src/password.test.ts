import { describe, expect, it } from "vitest";

import { hashPassword, needsRehash, verifyAgainstDummyHash, verifyPassword } from "./password.js";
import { hashWithWeakParameters } from "./testing.js";

describe("passwords", () => {
  it("hashes with argon2id at OWASP parameters (m=19456, t=2, p=1)", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(hash)).toBe(false);
  });

  it("verifies the right password and refuses a wrong one, without truncating long or Unicode input", async () => {
    const password = `${"é".repeat(100)}🔑${"x".repeat(27)}`;
    const hash = await hashPassword(password);
    expect(await verifyPassword(hash, password)).toBe(true);
    expect(await verifyPassword(hash, password.slice(0, -1))).toBe(false);
    expect(await verifyPassword(hash, `${password}y`)).toBe(false);
  });

  it("returns false (never throws) for a malformed hash", async () => {
    expect(await verifyPassword("not-a-hash", "whatever")).toBe(false);
  });

  it("reports hashes with weaker parameters as needing a rehash", async () => {
    const weak = await hashWithWeakParameters("password123");
    expect(weak).toMatch(/^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
    expect(needsRehash(weak)).toBe(true);
  });

  it("the dummy verification always fails", async () => {
    expect(await verifyAgainstDummyHash("dummy password that matches no account")).toBe(false);
  });
});
