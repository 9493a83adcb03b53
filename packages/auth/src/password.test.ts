import argon2 from "argon2";
import { afterEach, describe, expect, it, vi } from "vitest";

import {
  hashPassword,
  needsRehash,
  storedHashBounds,
  storedHashProblem,
  verifyAgainstDummyHash,
  verifyPassword,
} from "./password.js";
import { hashWithWeakParameters } from "./testing.js";

const password = () => "correct horse battery staple";
/** A hash of today's form with one part of its parameter string changed; salt and digest are made up. */
const withParameters = (parameters: string) =>
  `$argon2id$${parameters}$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g`;

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

  it("normalises to NFC: a password set in one Unicode form verifies when typed in the other", async () => {
    const composed = "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e"; // é as one code point (NFC, what most keyboards send)
    const decomposed = composed.normalize("NFD"); // e + combining accent (what some macOS input sends)
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(await hashPassword(composed), decomposed)).toBe(true);
    expect(await verifyPassword(await hashPassword(decomposed), composed)).toBe(true);
    // NFC only: compatibility forms stay distinct (the ligature ﬁ is not "fi")
    expect(await verifyPassword(await hashPassword("pro\ufb01le passphrase"), "profile passphrase")).toBe(false);
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

  describe("the dummy verification costs what a real one costs", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("runs argon2 on a hash made today, every time (so an unknown email is as slow as a wrong password)", async () => {
      const verify = vi.spyOn(argon2, "verify");
      await verifyAgainstDummyHash("a guess");
      await verifyAgainstDummyHash("another guess");
      expect(verify).toHaveBeenCalledTimes(2);
      for (const [hash] of verify.mock.calls) expect(needsRehash(hash)).toBe(false);
    });
  });

  it("returns false (never throws) for a well-formed hash that argon2 cannot run", async () => {
    // m=1 KiB is below argon2's minimum of 8 KiB per lane: argon2 itself throws on it
    const [, , , , salt = "", digest = ""] = (await hashPassword(password())).split("$");
    const unrunnable = `$argon2id$v=19$m=1,t=2,p=1$${salt}$${digest}`;
    expect(storedHashProblem(unrunnable)).toBeNull();
    await expect(argon2.verify(unrunnable, password())).rejects.toThrow();
    expect(await verifyPassword(unrunnable, password())).toBe(false);
  });

  it("needs a rehash when any one parameter or the version differs from today's", () => {
    expect(needsRehash(withParameters("v=19$m=19456,t=2,p=1"))).toBe(false);
    for (const parameters of [
      "v=16$m=19456,t=2,p=1",
      "v=19$m=19457,t=2,p=1",
      "v=19$m=19456,t=3,p=1",
      "v=19$m=19456,t=2,p=2",
    ])
      expect(needsRehash(withParameters(parameters))).toBe(true);
  });

  it("an argon2i or argon2d hash (the right parameters, another variant) needs a rehash to argon2id", async () => {
    for (const type of [argon2.argon2i, argon2.argon2d]) {
      const hash = await argon2.hash("a legacy passphrase", { type, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
      expect(await verifyPassword(hash, "a legacy passphrase")).toBe(true);
      expect(needsRehash(hash)).toBe(true);
    }
  });
});

describe("stored hashes outside the bounds are refused without running them", () => {
  const password = "the right passphrase";
  /** A real hash of `password`: only its cost is wrong. */
  const realHash = (options: { memoryCost?: number; timeCost?: number; parallelism?: number }) =>
    argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1, ...options });

  it("accepts the bounds themselves (time and parallelism at their maximum)", async () => {
    const hash = await realHash({
      timeCost: storedHashBounds.maxTimeCost,
      parallelism: storedHashBounds.maxParallelism,
    });
    expect(storedHashProblem(hash)).toBeNull();
    expect(await verifyPassword(hash, password)).toBe(true);
  });

  it("accepts memory at its bound (checked on the stored form: running it would take 256 MiB)", () => {
    expect(storedHashProblem(withParameters(`v=19$m=${storedHashBounds.maxMemoryKiB},t=2,p=1`))).toBeNull();
    expect(storedHashProblem(withParameters(`v=19$m=${storedHashBounds.maxMemoryKiB + 1},t=2,p=1`))).toBe(
      "argon2 parameters out of bounds: m=262145 (at most 262144)",
    );
  });

  it("reads parameters of several digits", () => {
    expect(storedHashProblem(withParameters("v=19$m=19456,t=2,p=16"))).toBe(
      "argon2 parameters out of bounds: p=16 (at most 4)",
    );
  });

  it.each([
    ["time cost", { timeCost: storedHashBounds.maxTimeCost + 1 }, /t=11/],
    ["parallelism", { parallelism: storedHashBounds.maxParallelism + 1 }, /p=5/],
    ["memory", { memoryCost: storedHashBounds.maxMemoryKiB + 8 }, /m=262152/],
  ])("refuses the right password against a hash with too much %s", async (_, options, problem) => {
    const hash = await realHash(options);
    expect(storedHashProblem(hash)).toMatch(problem);
    expect(await verifyPassword(hash, password)).toBe(false);
  });

  it("refuses m = 8 GiB, t = 1000 (24 s and 6.9 GiB if it ran) at once", async () => {
    const [, , , , salt = "", digest = ""] = (await realHash({})).split("$");
    const hostile = `$argon2id$v=19$m=8388608,t=1000,p=1$${salt}$${digest}`;
    expect(storedHashProblem(hostile)).toBe(
      "argon2 parameters out of bounds: m=8388608 (at most 262144), t=1000 (at most 10)",
    );
    expect(storedHashProblem(hostile)).not.toContain(salt); // the problem can be logged: no hash material
    const started = performance.now();
    expect(await verifyPassword(hostile, password)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it.each([
    ["another algorithm", "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"],
    ["an unknown argon2 variant", "$argon2x$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"],
    ["an extra parameter", "$argon2id$v=19$m=19456,t=2,p=1,data=eA$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"],
    ["a huge digest", `$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$${"A".repeat(10_000)}`],
    ["no hash at all", "not-a-hash"],
    ["text before a hash of today's form", `x${withParameters("v=19$m=19456,t=2,p=1")}`],
  ])("refuses %s, and says it needs a rehash", async (_, hash) => {
    expect(storedHashProblem(hash)).toBe("not an argon2 hash of the expected form");
    expect(await verifyPassword(hash, password)).toBe(false);
    expect(needsRehash(hash)).toBe(true);
  });
});
