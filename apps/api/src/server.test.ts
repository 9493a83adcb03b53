import { createPrismaClient } from "@platform/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDeps } from "./deps.js";
import { buildServer, maxBatchSize } from "./server.js";
import { type CapturedLogs, captureLogs } from "./test-support/capture-logs.js";
import { createTestHarness, type TestHarness } from "./test-support/harness.js";
import { servings } from "./test-support/servings.js";

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(() => h.close());

// every test through both ways of serving /trpc (BuildServerOptions.serving)
describe.each(servings)("served %s", (serving) => {
  let server: Awaited<ReturnType<typeof buildServer>>;
  beforeAll(async () => {
    server = await buildServer(h.deps, { serving });
  });
  afterAll(() => server.close());

  describe("probes", () => {
    it("GET /health answers while the process lives", async () => {
      const response = await server.inject({ method: "GET", url: "/health" });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: "ok" });
    });

    it("GET /ready queries Postgres and pings the registry", async () => {
      const response = await server.inject({ method: "GET", url: "/ready" });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: "ok", checks: { database: "ok", registry: "ok" } });
    });

    it("GET /ready is 503 when Postgres cannot be reached, and says when to retry", async () => {
      await withUnreachableDatabase(async (broken) => {
        const response = await broken.inject({ method: "GET", url: "/ready" });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({ status: "unavailable", checks: { database: "down", registry: "ok" } });
        expect(Number(response.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      });
    });
  });

  /** A server like the others, whose database cannot be reached; its log lines are captured. */
  async function withUnreachableDatabase(run: (broken: typeof server, logs: CapturedLogs) => Promise<void>) {
    const unreachable = createPrismaClient({ url: "postgres://postgres@127.0.0.1:1/nowhere" });
    const logs = captureLogs("info");
    const broken = await buildServer(createDeps({ ...h.deps, prisma: unreachable, logger: logs.logger }), { serving });
    try {
      await run(broken, logs);
    } finally {
      await broken.close();
      await unreachable.$disconnect();
    }
  }

  describe("503: a backing service is unavailable", () => {
    it("a procedure that needs it answers 503 without internals, and says when to retry", async () => {
      await withUnreachableDatabase(async (broken) => {
        const call = await broken.inject({
          method: "POST",
          url: "/trpc/auth.signIn",
          headers: { "content-type": "application/json" },
          payload: JSON.stringify({ json: { email: "a@example.com", password: "long-enough-password" } }),
        });
        expect(call.statusCode).toBe(503);
        expect(call.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack|prisma/i);
        expect(Number(call.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      });
    });

    it("is logged once, as SERVICE_UNAVAILABLE at warn, with the one underlying cause", async () => {
      await withUnreachableDatabase(async (broken, logs) => {
        await broken.inject({ method: "GET", url: "/trpc/auth.me" }); // no database needed: not logged
        await broken.inject({
          method: "POST",
          url: "/trpc/auth.signIn",
          headers: { "content-type": "application/json" },
          payload: JSON.stringify({ json: { email: "a@example.com", password: "long-enough-password" } }),
        });
        const failures = logs.lines.filter((line) => line.level === "warn" || line.level === "error");
        expect(failures).toEqual([
          expect.objectContaining({ level: "warn", code: "SERVICE_UNAVAILABLE", path: "auth.signIn" }),
        ]);
        const err = failures[0]?.err as { type: string; message: string; stack: string };
        expect(err.type).toBe("PrismaClientKnownRequestError");
        expect(JSON.stringify(err)).not.toMatch(/INTERNAL_SERVER_ERROR|TRPCError|caused by/);
        expect(err.stack.split("Can't reach database server")).toHaveLength(2); // once, not doubled
      });
    });
  });

  describe("HTTP errors", () => {
    it("bad input is a 400 with a readable message and no stack", async () => {
      const response = await server.inject({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ json: { email: "nope", password: "x" } }),
      });
      expect(response.statusCode).toBe(400);
      const body = response.json<{ error: { json: { message: string; data: { code: string } } } }>();
      expect(body.error.json.message).toMatch(/valid email/);
      expect(body.error.json.data.code).toBe("BAD_REQUEST");
      expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts/);
    });

    it("an unexpected error is a 500 that says only 'Internal server error', and is logged with its cause", async () => {
      // a bug's error message can name tables, queries or hosts: it goes to the log, never the client
      const logs = captureLogs("info");
      const leaky = new Error('relation "sessions" is broken at db.internal.example:5432 (SELECT secret_column)');
      const failing = await buildServer(
        { ...h.deps, loadSession: () => Promise.reject(leaky), logger: logs.logger },
        { serving },
      );
      try {
        // a registry miss makes authentication read the session from Postgres, which fails here
        const token = await h.deps.tokens.sign({ userId: "user_x", sessionId: "session_not_registered", roles: [] });
        const response = await failing.inject({
          method: "GET",
          url: "/trpc/auth.me",
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.statusCode).toBe(500);
        const body = response.json<{ error: { json: { message: string; data: { code: string } } } }>();
        expect(body.error.json.message).toBe("Internal server error");
        expect(body.error.json.data.code).toBe("INTERNAL_SERVER_ERROR");
        expect(response.body).not.toMatch(/db\.internal|secret_column|relation|stack|at .*\.ts/);
        const logged = logs.at("error");
        expect(logged).toEqual([expect.objectContaining({ code: "INTERNAL_SERVER_ERROR", path: "auth.me" })]);
        expect((logged[0]?.err as { message?: string } | undefined)?.message).toBe(leaky.message);
      } finally {
        await failing.close();
      }
    });

    it("a NUL character in an input is a 400 that names it, and logs nothing (it never reaches Postgres)", async () => {
      const logs = captureLogs("info");
      const logged = await buildServer(createDeps({ ...h.deps, logger: logs.logger }), { serving });
      try {
        const { token } = await h.createSignedInUser();
        const input = encodeURIComponent(JSON.stringify({ json: "some-id\u0000" }));
        const response = await logged.inject({
          method: "GET",
          url: `/trpc/users.findById?input=${input}`,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.statusCode).toBe(400);
        const body = response.json<{ error: { json: { message: string } } }>();
        expect(body.error.json.message).toMatch(/User id must not contain NUL characters/);
        expect(logs.lines.filter((line) => line.level === "warn" || line.level === "error")).toEqual([]);
      } finally {
        await logged.close();
      }
    });

    it('a top-level "__proto__" key is refused like any unknown key (400), and the call does not run', async () => {
      const alice = await h.createUser();
      const payload = `{"json":{"email":"${alice.email}","password":"${alice.password}","__proto__":{"roles":["admin"]}}}`;
      const response = await server.inject({
        method: "POST",
        url: "/trpc/auth.signIn",
        headers: { "content-type": "application/json" },
        payload,
      });
      expect(response.statusCode).toBe(400);
      const body = response.json<{ error: { json: { message: string } } }>();
      expect(body.error.json.message).toMatch(/Unrecognized key: "__proto__"/);
      expect(await h.deps.prisma.session.count({ where: { userId: alice.id } })).toBe(0);
    });

    it('"__proto__" is refused in a GET input, in a batch, and beside a date (superjson meta) too', async () => {
      const { token } = await h.createSignedInUser({ roles: ["admin", "user"] });
      const withDate =
        '{"json":{"__proto__":{"x":1},"since":"2026-01-01T00:00:00.000Z"},"meta":{"values":{"since":["Date"]}}}';
      const inputs = [
        `/trpc/audit.list?input=${encodeURIComponent('{"json":{"limit":5,"__proto__":{"x":1}}}')}`,
        `/trpc/audit.list?batch=1&input=${encodeURIComponent('{"0":{"json":{"__proto__":{"x":1}}}}')}`,
        `/trpc/audit.list?input=${encodeURIComponent(withDate)}`,
      ];
      for (const url of inputs) {
        const response = await server.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
        expect(response.statusCode, url).toBe(400);
        expect(response.body, url).toMatch(/Unrecognized key: \\"__proto__\\"/);
      }
    });

    it("an unauthenticated call is a 401", async () => {
      const response = await server.inject({ method: "GET", url: "/trpc/auth.me" });
      expect(response.statusCode).toBe(401);
    });
  });

  describe("batch size", () => {
    /** A POST batch of `count` sign-ups, each for a fresh email: what a hostile client could send. */
    const signUpBatch = (count: number) => {
      const emails = Array.from({ length: count }, (_, index) => `batch-${index}-${crypto.randomUUID()}@example.com`);
      const inputs = Object.fromEntries(
        emails.map((email, index) => [index, { json: { email, name: "Batch", password: "a batch passphrase" } }]),
      );
      const request = server.inject({
        method: "POST",
        url: `/trpc/${Array.from({ length: count }, () => "auth.signUp").join(",")}?batch=1`,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify(inputs),
      });
      return { emails, request };
    };
    const usersWith = (emails: string[]) => h.deps.prisma.user.count({ where: { email: { in: emails } } });

    it("runs a batch of the client's size (maxBatchSize calls)", async () => {
      const { emails, request } = signUpBatch(maxBatchSize);
      const response = await request;
      expect(response.statusCode).toBe(200);
      expect(response.json()).toHaveLength(maxBatchSize);
      expect(await usersWith(emails)).toBe(maxBatchSize);
    });

    it("refuses a larger batch with 400 before any procedure runs", async () => {
      const { emails, request } = signUpBatch(maxBatchSize + 1);
      const response = await request;
      expect(response.statusCode).toBe(400);
      const body = response.json<{ error: { json: { message: string; data: { code: string } } } }>();
      expect(body.error.json).toMatchObject({
        message: "Batch call exceeds maximum size",
        data: { code: "BAD_REQUEST" },
      });
      expect(await usersWith(emails)).toBe(0);
    });

    it("refuses 1,000 commas in a URL (1,001 calls) with 400", async () => {
      const paths = Array.from({ length: 1001 }, () => "x").join(",");
      const response = await server.inject({ method: "GET", url: `/trpc/${paths}?batch=1` });
      expect(response.statusCode).toBe(400);
    });
  });
});
