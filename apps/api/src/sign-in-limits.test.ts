// Sign-in rate limiting through the real procedures: shared counters (Redis when REDIS_URL is set),
// per account and per IP, exponential back-off, TOO_MANY_REQUESTS with a wait. Every test signs in
// with accounts and from addresses no other test uses, so no test spends another's budget.
import { setTimeout as sleep } from "node:timers/promises";

import { codeOf } from "@platform/auth/testing";
import { beforeEach, describe, expect, it } from "vitest";

import { createCaller } from "./caller.js";
import type { ApiDeps } from "./deps.js";
import { buildServer } from "./server.js";
import { createAuditedBlocks } from "./sign-in-limits.js";
import { uniqueEmail } from "./test-support/harness.js";
import { useTestHarness } from "./test-support/hooks.js";
import { anyNumber, stringMatching } from "./test-support/matchers.js";
import { servings } from "./test-support/servings.js";

const h = useTestHarness({ SIGN_IN_ACCOUNT_FREE_ATTEMPTS: "3", SIGN_IN_IP_FREE_ATTEMPTS: "10" });

const attempt = (email: string, password: string, ip = "203.0.113.1") =>
  h.callerWith({ ip }).auth.signIn({ email, password });

describe("sign-in rate limiting", () => {
  it("backs off an account after its free attempts, whatever the case of the email, and says how long to wait", async () => {
    const nina = await h.createUser();
    // a wait that cannot run out between two argon2 verifications on a busy machine
    const deps = h.withSignInPolicy({ baseDelayMs: 60_000 });
    const attempt = (email: string, password: string, ip: string) =>
      createCaller(deps, { ip }).auth.signIn({ email, password });
    const [local, domain] = nina.email.split("@") as [string, string];
    const codes = [];
    const variants = [
      nina.email,
      nina.email.toUpperCase(),
      `${local}@${domain.toUpperCase()}`,
      ` ${local.toUpperCase()}@${domain} `,
    ];
    for (const email of variants) {
      codes.push(await codeOf(attempt(email, "wrong passphrase", `198.51.100.${codes.length}`)));
    }
    expect(codes).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED"]);
    // even the right password waits: the limit is on attempts, not on wrong passwords
    await expect(attempt(nina.email, nina.password, "198.51.100.9")).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: stringMatching(/try again in \d+ seconds/),
    });
  });

  it("holds under 20 parallel attempts: exactly the allowed number get through", async () => {
    const omar = await h.createUser();
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => codeOf(attempt(omar.email, "wrong passphrase", `192.0.2.${i}`))),
    );
    // 3 free attempts, plus the one that earns the first delay
    expect(codes.filter((code) => code === "UNAUTHORIZED")).toHaveLength(4);
    expect(codes.filter((code) => code === "TOO_MANY_REQUESTS")).toHaveLength(16);
  });

  it("limits one client IP across many accounts", async () => {
    const pia = await h.createUser();
    const ip = "203.0.113.77";
    const codes = [];
    for (let i = 0; i < 12; i++) codes.push(await codeOf(attempt(uniqueEmail("nobody"), "wrong passphrase", ip)));
    expect(codes.slice(0, 11).every((code) => code === "UNAUTHORIZED")).toBe(true);
    expect(codes[11]).toBe("TOO_MANY_REQUESTS");
    expect(await codeOf(attempt(pia.email, pia.password, "203.0.113.78"))).toBe("OK");
  });

  it("sign-ups spend from the same IP budget (probing for taken emails slows down)", async () => {
    const taken = await h.createUser();
    const ip = "203.0.113.200";
    const codes = [];
    for (let i = 0; i < 12; i++) {
      codes.push(
        await codeOf(
          h.callerWith({ ip }).auth.signUp({ email: taken.email, name: "Probe", password: "probe passphrase" }),
        ),
      );
    }
    expect(codes.slice(0, 11).every((code) => code === "CONFLICT")).toBe(true);
    expect(codes[11]).toBe("TOO_MANY_REQUESTS");
  });

  it("a successful sign-in starts the account's count afresh", async () => {
    const quinn = await h.createUser();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++)
        expect(await codeOf(attempt(quinn.email, "wrong passphrase", `100.64.0.${round * 2 + i}`))).toBe(
          "UNAUTHORIZED",
        );
      expect(await codeOf(attempt(quinn.email, quinn.password, `100.64.1.${round}`))).toBe("OK");
    }
  });
});

describe("a known device: strangers cannot lock the owner out", () => {
  // the harness's budgets (3 free attempts per account and device), with a first delay of a
  // minute: a block earned here cannot end while the test runs, however busy the machine
  let deps: ApiDeps;
  beforeEach(() => {
    deps = h.withSignInPolicy({ baseDelayMs: 60_000 });
  });

  const signIn = (email: string, password: string, ip: string, deviceToken?: string) =>
    createCaller(deps, { ip }).auth.signIn({ email, password, ...(deviceToken === undefined ? {} : { deviceToken }) });

  /** Spends the account's budget from a new address each time, as a stranger with many IPs would. */
  async function lockAccountAsStranger(email: string) {
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(await codeOf(signIn(email, "wrong passphrase", `198.18.${i}.1`)));
    expect(codes).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS"]);
  }

  it("the owner signs in on a device that signed in before, while the stranger stays blocked", async () => {
    const rosa = await h.createUser();
    const { deviceToken } = await signIn(rosa.email, rosa.password, "203.0.113.50");
    await lockAccountAsStranger(rosa.email);
    // the right password from a new device waits: that is the stranger's budget
    expect(await codeOf(signIn(rosa.email, rosa.password, "198.18.9.1"))).toBe("TOO_MANY_REQUESTS");
    // the known device, even from another address, has a budget of its own
    await expect(signIn(rosa.email, rosa.password, "198.51.100.77", deviceToken)).resolves.toMatchObject({
      user: { id: rosa.id },
    });
    // and its success leaves the strangers' count as it was
    expect(await codeOf(signIn(rosa.email, "wrong passphrase", "198.18.10.1"))).toBe("TOO_MANY_REQUESTS");
  });

  it("a wrong-password flood from the known device is throttled by the device's own budget", async () => {
    const sol = await h.createUser();
    const { deviceToken } = await signIn(sol.email, sol.password, "203.0.113.51");
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push(await codeOf(signIn(sol.email, "wrong passphrase", `198.19.${i}.1`, deviceToken)));
    expect(codes).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS"]);
    expect(await codeOf(signIn(sol.email, sol.password, "198.19.9.1", deviceToken))).toBe("TOO_MANY_REQUESTS");
    const refusals = await deps.prisma.auditEvent.findMany({ where: { action: "rate_limited", ip: "198.19.4.1" } });
    expect(refusals.map((event) => event.details)).toEqual([
      expect.objectContaining({ budget: "device", email: sol.email }),
    ]);
    // and it spent nothing of the account's budget: a new device still gets its free attempts
    expect(await codeOf(signIn(sol.email, sol.password, "198.19.10.1"))).toBe("OK");
  });

  it("a known device's success starts its count afresh and renews its token for the same device", async () => {
    const wes = await h.createUser();
    let { deviceToken } = await signIn(wes.email, wes.password, "203.0.113.54");
    const original = deviceToken;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++)
        expect(await codeOf(signIn(wes.email, "wrong passphrase", `198.20.${round}.${i}`, deviceToken))).toBe(
          "UNAUTHORIZED",
        );
      ({ deviceToken } = await signIn(wes.email, wes.password, `198.20.${round}.9`, deviceToken));
    }
    // the renewed token and the first one are one device: one budget
    for (let i = 0; i < 4; i++) await codeOf(signIn(wes.email, "wrong passphrase", `198.20.5.${i}`, original));
    expect(await codeOf(signIn(wes.email, wes.password, "198.20.6.1", deviceToken))).toBe("TOO_MANY_REQUESTS");
  });

  it("the device that signed up is known too", async () => {
    const email = uniqueEmail("xia");
    const password = "xia's own passphrase";
    const { deviceToken } = await createCaller(deps, { ip: "203.0.113.56" }).auth.signUp({
      email,
      name: "Xia",
      password,
    });
    await lockAccountAsStranger(email);
    expect(await codeOf(signIn(email, password, "203.0.113.57", deviceToken))).toBe("OK");
  });

  it("a device token counts only for the account that earned it", async () => {
    const [tia, uma] = [await h.createUser(), await h.createUser()];
    const { deviceToken: tiasDevice } = await signIn(tia.email, tia.password, "203.0.113.52");
    await lockAccountAsStranger(uma.email);
    expect(await codeOf(signIn(uma.email, uma.password, "203.0.113.52", tiasDevice))).toBe("TOO_MANY_REQUESTS");
  });

  it("a malformed or forged device token is no device at all, not an error", async () => {
    const vic = await h.createUser();
    const { deviceToken } = await signIn(vic.email, vic.password, "203.0.113.53");
    await lockAccountAsStranger(vic.email);
    const [deviceId, issuedAt, mac = ""] = deviceToken.split(".");
    const forged = `${deviceId}.${issuedAt}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
    for (const token of ["not a device token", forged]) {
      expect(await codeOf(signIn(vic.email, vic.password, "203.0.113.53", token))).toBe("TOO_MANY_REQUESTS");
    }
  });
});

// through both ways of serving /trpc (BuildServerOptions.serving)
describe.each(servings)("over HTTP, served %s", (serving) => {
  const signInRequest = (email: string, forwardedFor: string) => ({
    method: "POST" as const,
    url: "/trpc/auth.signIn",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    payload: JSON.stringify({ json: { email, password: "wrong passphrase" } }),
  });

  it("answers 429 with a Retry-After header", async () => {
    const pia = await h.createUser();
    const server = await buildServer(h.deps, { serving });
    try {
      const responses = [];
      for (let i = 0; i < 5; i++) responses.push(await server.inject(signInRequest(pia.email, `10.1.0.${i}`)));
      const [response] = responses.slice(-1);
      expect(response?.statusCode).toBe(429);
      expect(Number(response?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(response?.json<{ error: { json: { data: unknown } } }>().error.json.data).toMatchObject({
        code: "TOO_MANY_REQUESTS",
        retryAfterSeconds: anyNumber(),
      });
    } finally {
      await server.close();
    }
  });

  it("believes X-Forwarded-For only when TRUST_PROXY says so", async () => {
    const ipBudget = { SIGN_IN_IP_FREE_ATTEMPTS: "2", SIGN_IN_ACCOUNT_FREE_ATTEMPTS: "100" };
    for (const [trustProxy, expected] of [
      ["false", 429],
      ["true", 401],
    ] as const) {
      const server = await buildServer(h.withConfig({ ...ipBudget, TRUST_PROXY: trustProxy }), { serving });
      try {
        const statuses = [];
        // a different forwarded address each time: spoofed unless a trusted proxy set it
        for (let i = 0; i < 4; i++) {
          statuses.push((await server.inject(signInRequest(uniqueEmail("spoof"), `172.16.0.${i}`))).statusCode);
        }
        expect(statuses.at(-1)).toBe(expected);
      } finally {
        await server.close();
      }
    }
  });
});

describe("refusals in the audit trail", () => {
  /** The rate_limited events about this email. */
  const refusalsFor = async (email: string) =>
    (
      await h.deps.prisma.auditEvent.findMany({ where: { action: "rate_limited" }, orderBy: { createdAt: "asc" } })
    ).filter((event) => (event.details as { email?: string } | null)?.email === email);

  /**
   * Spends the free attempts, then climbs the back-off to a 4 s block without a single refusal
   * (waiting out the 1 s and 2 s blocks), so that a flood sent next surely meets a block, even on
   * a slow machine. Redis keeps real time, so the waits are real.
   */
  async function reachFourSecondBlock(freeAttempts: number, attemptOnce: () => Promise<string>) {
    for (let i = 0; i <= freeAttempts; i++) await attemptOnce(); // the last one earns 1 s
    await sleep(1_100);
    await attemptOnce(); // earns 2 s
    await sleep(2_100);
    await attemptOnce(); // earns 4 s
  }

  it("a flood against a blocked account is one rate_limited row per block, not one per refusal", async () => {
    const pat = await h.createUser();
    let ip = 0; // a new address each time: only the account's budget is spent
    const attemptOnce = () => codeOf(attempt(pat.email, "wrong passphrase", `192.0.2.${ip++}`));
    await reachFourSecondBlock(3, attemptOnce);
    const codes = await Promise.all(Array.from({ length: 10 }, attemptOnce));
    expect(codes).toEqual(Array.from({ length: 10 }, () => "TOO_MANY_REQUESTS"));
    const rows = await refusalsFor(pat.email);
    expect(rows).toEqual([expect.objectContaining({ outcome: "failure", actorId: null })]);
    expect(rows[0]?.details).toEqual({
      procedure: "auth.signIn",
      budget: "account",
      email: pat.email,
      retryAfterSeconds: anyNumber(),
    });
  });

  it("sign-ups refused by the IP's budget are recorded once per block too", async () => {
    const ip = "192.0.2.250";
    const signUp = (email: string) =>
      codeOf(h.callerWith({ ip }).auth.signUp({ email, name: "Flood", password: "a fine passphrase" }));
    await reachFourSecondBlock(10, () => signUp(uniqueEmail("flood")));
    const emails = Array.from({ length: 5 }, () => uniqueEmail("flood"));
    expect(await Promise.all(emails.map(signUp))).toEqual(emails.map(() => "TOO_MANY_REQUESTS"));
    const rows = (await Promise.all(emails.map(refusalsFor))).flat();
    expect(rows).toEqual([expect.objectContaining({ ip, outcome: "failure" })]);
    expect(rows[0]?.details).toMatchObject({ procedure: "auth.signUp", budget: "ip" });
  });
});

describe("createAuditedBlocks", () => {
  const at = (seconds: number) => new Date(seconds * 1000);

  it("is new once per block of a key: again only when the block has ended", () => {
    const blocks = createAuditedBlocks();
    expect(blocks.isNew("account:a", 4, at(0))).toBe(true);
    expect(blocks.isNew("account:a", 3, at(1))).toBe(false);
    expect(blocks.isNew("ip:a", 3, at(1))).toBe(true);
    expect(blocks.isNew("account:a", 8, at(4))).toBe(true);
  });

  it("stays bounded: when full, ended blocks go first, then the oldest", () => {
    const blocks = createAuditedBlocks(2);
    blocks.isNew("a", 1, at(0));
    blocks.isNew("b", 100, at(0));
    expect(blocks.isNew("c", 100, at(5))).toBe(true); // "a" has ended and makes room
    expect(blocks.isNew("b", 100, at(5))).toBe(false);
    expect(blocks.isNew("d", 100, at(5))).toBe(true); // full of live blocks: "b", the oldest, is forgotten
    expect(blocks.isNew("b", 100, at(5))).toBe(true);
  });
});
