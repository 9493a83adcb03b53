// The fast path (trpc-route.ts) held to tRPC's stock adapter: the same requests to a server of each
// kind, on the same dependencies, must get the same answers — status, the headers clients and
// caches read, and the body byte for byte — and the same error log lines; then the same calls
// through the real @trpc/client links. Each case also names the status it must have, so that two
// paths broken the same way do not pass.
import { createMemoryRateLimiter } from "@platform/auth";
import { createTestClock } from "@platform/auth/testing";
import { createPrismaClient } from "@platform/db";
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from "@trpc/client";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type ApiDeps, createDeps } from "../deps.js";
import type { Logger } from "../logger.js";
import type { AppRouter } from "../router.js";
import { buildServer, maxBatchSize } from "../server.js";
import { captureLogs } from "../test-support/capture-logs.js";
import { uniqueEmail } from "../test-support/harness.js";
import { useTestHarness } from "../test-support/hooks.js";
import { type Serving, servings } from "../test-support/servings.js";

type Server = Awaited<ReturnType<typeof buildServer>>;

// a client IP budget no test here can spend (every request comes from 127.0.0.1)
const h = useTestHarness({ SIGN_IN_IP_FREE_ATTEMPTS: "1000" });

/** A server of each kind on `deps`, closed after the file's tests. */
async function serversOn(deps: ApiDeps): Promise<Record<Serving, Server>> {
  const [fast, stock] = await Promise.all(servings.map((serving) => buildServer(deps, { serving })));
  if (!fast || !stock) throw new Error("two servers expected");
  servers.push(fast, stock);
  return { fast, stock };
}
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

/**
 * An account budget whose clock stands still, so that a blocked account's Retry-After is the same
 * for both servers. One free attempt per account: a wrong password is tried with a fresh email for
 * each request (a successful sign-in starts its account's count afresh).
 */
function withFrozenAccountBudget(deps: ApiDeps): ApiDeps {
  const frozen = createTestClock(new Date("2026-06-01T12:00:00Z"));
  const account = createMemoryRateLimiter({ freeAttempts: 1, baseDelayMs: 60_000, now: frozen.now });
  return createDeps({ ...deps, signInLimiters: { ...deps.signInLimiters, account } });
}

/** What must not differ between the two paths. Fresh tokens (a successful sign-in) are masked. */
function answerOf(response: LightMyRequestResponse) {
  return {
    status: response.statusCode,
    contentType: response.headers["content-type"],
    retryAfter: response.headers["retry-after"],
    vary: response.headers.vary,
    body: response.body.replace(/"(token|refreshToken|deviceToken)":"[^"]+"/g, '"$1":"<fresh>"'),
  };
}

const inputParam = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const json = (body: unknown) => ({ headers: { "content-type": "application/json" }, payload: JSON.stringify(body) });

let pair: Record<Serving, Server>;
let token: string;
let userId: string;
let email: string;
let password: string;
const blockedEmail = uniqueEmail("blocked");

beforeAll(async () => {
  pair = await serversOn(withFrozenAccountBudget(h.deps));
  ({ token, id: userId, email, password } = await h.createSignedInUser());
  // the frozen budget: one free attempt, the second earns a minute's block, the rest are refused
  for (let i = 0; i < 2; i++) {
    const spent = await pair.fast.inject({
      method: "POST",
      url: "/trpc/auth.signIn",
      ...json({ json: { email: blockedEmail, password: "wrong passphrase" } }),
    });
    expect(spent.statusCode).toBe(401);
  }
});

const auth = () => ({ authorization: `Bearer ${token}` });

describe("the same raw requests get the same answers from both paths", () => {
  // [what, the request (built once the fixtures exist), the status both must answer with]
  const cases: [string, () => InjectOptions, number][] = [
    ["a query (GET)", () => ({ method: "GET", url: "/trpc/auth.me", headers: auth() }), 200],
    [
      "a query with input (superjson Date in the output)",
      () => ({ method: "GET", url: `/trpc/users.findById?input=${inputParam({ json: userId })}`, headers: auth() }),
      200,
    ],
    [
      "a batch of queries",
      () => ({
        method: "GET",
        url: `/trpc/auth.me,users.findById?batch=1&input=${inputParam({ 1: { json: userId } })}`,
        headers: auth(),
      }),
      200,
    ],
    [
      "a batch with mixed results (200, 404, 403)",
      () => ({
        method: "GET",
        url: `/trpc/auth.me,users.findById,users.list?batch=1&input=${inputParam({ 1: { json: "nobody" } })}`,
        headers: auth(),
      }),
      207,
    ],
    [
      "a mutation (POST) that succeeds",
      () => ({ method: "POST", url: "/trpc/auth.signIn", ...json({ json: { email, password } }) }),
      200,
    ],
    [
      "a batch of mutations with mixed errors (401, 400)",
      () => ({
        method: "POST",
        url: "/trpc/auth.signIn,auth.signIn?batch=1",
        ...json({ 0: { json: { email: uniqueEmail(), password } }, 1: { json: { email: "nope" } } }),
      }),
      207,
    ],
    [
      "input that fails validation",
      () => ({ method: "POST", url: "/trpc/auth.signIn", ...json({ json: { email: "nope", password: "x" } }) }),
      400,
    ],
    [
      'a "__proto__" key in the input',
      () => ({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "application/json" },
        payload: `{"json":{"email":"${email}","password":"${password}","__proto__":{"roles":["admin"]}}}`,
      }),
      400,
    ],
    ["no session (UNAUTHORIZED)", () => ({ method: "GET", url: "/trpc/auth.me" }), 401],
    ["a role missing (FORBIDDEN)", () => ({ method: "GET", url: "/trpc/users.list", headers: auth() }), 403],
    [
      "too many attempts (429 with Retry-After)",
      () => ({ method: "POST", url: "/trpc/auth.signIn", ...json({ json: { email: blockedEmail, password } }) }),
      429,
    ],
    [
      "a batch with a 429 in it (Retry-After on the 207)",
      () => ({
        method: "POST",
        url: "/trpc/auth.signIn,auth.signIn?batch=1",
        ...json({ 0: { json: { email: blockedEmail, password } }, 1: { json: { email: "nope" } } }),
      }),
      207,
    ],
    ["no such procedure", () => ({ method: "GET", url: "/trpc/nothing.here" }), 404],
    [
      "no such procedure, in a batch",
      () => ({ method: "GET", url: "/trpc/auth.me,nothing?batch=1", headers: auth() }),
      207,
    ],
    ["an Object.prototype name as the path", () => ({ method: "GET", url: "/trpc/constructor" }), 404],
    [
      "a query by POST",
      () => ({ method: "POST", url: "/trpc/auth.me", headers: { ...auth(), ...json({}).headers }, payload: "{}" }),
      405,
    ],
    ["a mutation by GET", () => ({ method: "GET", url: "/trpc/auth.signIn" }), 405],
    ["a query by PUT (the stock adapter answers)", () => ({ method: "PUT", url: "/trpc/auth.me", ...json({}) }), 405],
    [
      "malformed JSON in a GET input",
      () => ({ method: "GET", url: "/trpc/users.findById?input=%7Bnot-json", headers: auth() }),
      400,
    ],
    [
      "malformed JSON in a GET input of a procedure without input (never parsed)",
      () => ({ method: "GET", url: "/trpc/auth.me?input=%7Bnot-json", headers: auth() }),
      200,
    ],
    [
      "a malformed JSON body",
      () => ({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "application/json" },
        payload: "{",
      }),
      400,
    ],
    [
      "an empty JSON body",
      () => ({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "application/json" },
        payload: "",
      }),
      400,
    ],
    [
      "a batch input that is not an object",
      () => ({ method: "GET", url: `/trpc/auth.me,users.findById?batch=1&input=${inputParam([1])}`, headers: auth() }),
      207,
    ],
    [
      "a batch larger than maxBatchSize",
      () => ({
        method: "GET",
        url: `/trpc/${Array.from({ length: maxBatchSize + 1 }, () => "auth.me").join(",")}?batch=1`,
        headers: auth(),
      }),
      400,
    ],
    ["a batch of queries and mutations", () => ({ method: "GET", url: "/trpc/auth.me,auth.signIn?batch=1" }), 400],
    ["bad connectionParams", () => ({ method: "GET", url: "/trpc/auth.me?connectionParams=nope" }), 400],
    [
      "a repeated input parameter (the first counts)",
      () => ({
        method: "GET",
        url: `/trpc/users.findById?input=${inputParam({ json: userId })}&input=${inputParam({ json: "x" })}`,
        headers: auth(),
      }),
      200,
    ],
    [
      "a JSON content-type in capitals, with a charset",
      () => ({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "Application/JSON; charset=utf-8" },
        payload: JSON.stringify({ json: { email: uniqueEmail(), password } }),
      }),
      401,
    ],
    [
      "a byte order mark before the JSON body",
      () => ({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "application/json" },
        payload: `\uFEFF${JSON.stringify({ json: { email: uniqueEmail(), password } })}`,
      }),
      401,
    ],
    ["a percent-encoded path", () => ({ method: "GET", url: "/trpc/auth%2Eme", headers: auth() }), 200],
    [
      "a path tRPC decodes a second time (the stock adapter answers)",
      () => ({ method: "GET", url: "/trpc/auth%252Eme", headers: auth() }),
      200,
    ],
    [
      "a streaming batch (trpc-accept: application/jsonl; the stock adapter answers)",
      () => ({ method: "GET", url: "/trpc/auth.me?batch=1", headers: { "trpc-accept": "application/jsonl" } }),
      200,
    ],
    [
      "a text/plain body (the stock adapter answers)",
      () => ({ method: "POST", url: "/trpc/auth.signIn", headers: { "content-type": "text/plain" }, payload: "{}" }),
      415,
    ],
    ["HEAD (the stock adapter answers)", () => ({ method: "HEAD", url: "/trpc/auth.me" }), 204],
  ];

  it.each(cases)("%s", async (what, request, status) => {
    const fastResponse = await pair.fast.inject(request());
    const fast = answerOf(fastResponse);
    const stock = answerOf(await pair.stock.inject(request()));
    expect(fast).toEqual(stock);
    expect(fast.status).toBe(status);
    // and the fast path did answer what it should: its answers are whole buffers (content-length),
    // the stock adapter's are streamed Responses (chunked)
    const isHandedOver = what.includes("the stock adapter answers");
    expect(fastResponse.headers["content-length"] === undefined).toBe(isHandedOver);
  });

  it("the 429 says when to retry, in the header and in the body", async () => {
    const request = { method: "POST", url: "/trpc/auth.signIn", ...json({ json: { email: blockedEmail, password } }) };
    const response = await pair.fast.inject(request as InjectOptions);
    expect(response.headers["retry-after"]).toBe("60");
    expect(response.json()).toMatchObject({ error: { json: { data: { retryAfterSeconds: 60 } } } });
  });
});

describe("a backing service down, a bug: the same answers and the same error log lines", () => {
  /** A server of each kind on the deps `depsWith` makes; the answer to `request`, the warn and error lines logged. */
  async function answersAndLogs(depsWith: (logger: Logger) => ApiDeps, request: InjectOptions) {
    const results = [];
    for (const serving of servings) {
      const logs = captureLogs("info");
      const server = await buildServer(depsWith(logs.logger), { serving });
      servers.push(server);
      const answer = answerOf(await server.inject(request));
      const logged = logs.lines
        .filter((line) => line.level === "warn" || line.level === "error")
        .map(({ level, msg, code, path, err }) => ({ level, msg, code, path, err: (err as { type?: string }).type }));
      results.push({ answer, logged });
    }
    return results;
  }

  it("503 with Retry-After when Postgres cannot be reached, logged once at warn", async () => {
    const unreachable = createPrismaClient({ url: "postgres://postgres@127.0.0.1:1/nowhere" });
    try {
      const request = { method: "POST", url: "/trpc/auth.signIn", ...json({ json: { email, password } }) };
      const [fast, stock] = await answersAndLogs(
        (logger) => createDeps({ ...h.deps, prisma: unreachable, logger }),
        request,
      );
      expect(fast).toEqual(stock);
      expect(fast?.answer).toMatchObject({ status: 503, retryAfter: "5" });
      expect(fast?.logged).toEqual([
        expect.objectContaining({ level: "warn", code: "SERVICE_UNAVAILABLE", path: "auth.signIn" }),
      ]);
    } finally {
      await unreachable.$disconnect();
    }
  });

  it("500 that says only 'Internal server error', logged once at error with its cause", async () => {
    const leaky = new Error("relation is broken at db.internal.example");
    const unregistered = await h.deps.tokens.sign({ userId: "user_x", sessionId: "session_unknown", roles: [] });
    const [fast, stock] = await answersAndLogs(
      // a registry miss makes authentication read the session from Postgres, which fails here
      (logger) => ({ ...h.deps, loadSession: () => Promise.reject(leaky), logger }),
      { method: "GET", url: "/trpc/auth.me", headers: { authorization: `Bearer ${unregistered}` } },
    );
    expect(fast).toEqual(stock);
    expect(fast?.answer.status).toBe(500);
    expect(fast?.answer.body).not.toContain("db.internal");
    expect(fast?.logged).toEqual([
      { level: "error", msg: "procedure failed", code: "INTERNAL_SERVER_ERROR", path: "auth.me", err: "Error" },
    ]);
  });
});

describe("@trpc/client's httpLink and httpBatchLink get the same results and errors from both paths", () => {
  const urls = {} as Record<Serving, string>;
  beforeAll(async () => {
    for (const serving of servings)
      urls[serving] = `${await pair[serving].listen({ host: "127.0.0.1", port: 0 })}/trpc`;
  });

  /** A call's result, or its error as a client sees it (message, shape, data). */
  const outcomeOf = async (call: Promise<unknown>) => {
    try {
      return { result: await call };
    } catch (error) {
      if (!(error instanceof TRPCClientError)) throw error;
      return { error: { message: error.message, shape: error.shape as unknown, data: error.data as unknown } };
    }
  };

  /** The same calls, in parallel (httpBatchLink puts them in one request per kind), through `link`. */
  async function callsThrough(serving: Serving, link: typeof httpLink | typeof httpBatchLink) {
    const client = createTRPCClient<AppRouter>({
      links: [link({ url: urls[serving], transformer: superjson, headers: () => auth() })],
    });
    const outcomes = await Promise.all([
      outcomeOf(client.auth.me.query()),
      outcomeOf(client.users.findById.query(userId)),
      outcomeOf(client.users.findById.query("nobody")),
      outcomeOf(client.users.list.query()),
      outcomeOf(client.auth.signIn.mutate({ email: uniqueEmail(), password })),
      outcomeOf(client.auth.signIn.mutate({ email: "nope", password: "x" })),
      outcomeOf(client.auth.signIn.mutate({ email: blockedEmail, password })),
    ]);
    return JSON.parse(JSON.stringify(outcomes).replace(/"(token|refreshToken)":"[^"]+"/g, '"$1":"<fresh>"')) as unknown;
  }

  it.each([
    ["httpLink", httpLink],
    ["httpBatchLink", httpBatchLink],
  ] as const)("%s", async (_, link) => {
    const fast = await callsThrough("fast", link);
    expect(fast).toEqual(await callsThrough("stock", link));
    const [me, found, missing, forbidden, wrongPassword, invalid, blocked] = fast as {
      result?: { email?: string };
      error?: { data: { code: string } };
    }[];
    expect(me?.result?.email).toBe(email);
    expect(found?.result?.email).toBe(email);
    expect([missing, forbidden, wrongPassword, invalid, blocked].map((outcome) => outcome?.error?.data.code)).toEqual([
      "NOT_FOUND",
      "FORBIDDEN",
      "UNAUTHORIZED",
      "BAD_REQUEST",
      "TOO_MANY_REQUESTS",
    ]);
  });

  it("dates stay dates through the fast path", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: urls.fast, transformer: superjson, headers: () => auth() })],
    });
    expect((await client.auth.me.query()).createdAt).toBeInstanceOf(Date);
  });
});
