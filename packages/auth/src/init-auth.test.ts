// The procedure builders as an app uses them: a router built with initAuth, on a real token
// service and a real registry (Redis when REDIS_URL is set), called the way clients call it (over
// tRPC's fetch adapter, so the transformer and the error formatter run) or through createCaller.
// The source of truth behind `loadSession` is this file's map of sessions: the auth package has no
// database, only that seam.
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { type AccessDenial, type AuthDeps, readBearerToken } from "./authenticate.js";
import { errorDetailsOf, platformErrors } from "./errors.js";
import { initAuth } from "./init-auth.js";
import type { UserRoles } from "./session-registry.js";
import { codeOf, createTestRegistry, forgeAccessToken, type TestRegistry } from "./testing.js";
import { createTokenService } from "./tokens.js";
import { transformer } from "./transformer.js";

const tokenOptions = {
  secret: "a-test-secret-that-is-long-enough-0123456789",
  issuer: "test-issuer",
  audience: "test-audience",
  accessTokenTtlSeconds: 900,
};
const tokens = createTokenService(tokenOptions);

const outage = () => Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:5432"), { code: "ECONNREFUSED" });
/** Errors the `fail` procedure throws, by name. */
const failures = {
  bug: () => new TypeError("Cannot read properties of undefined (reading 'host db.internal:5432')"),
  outage,
  // a deliberate refusal whose cause happens to look like an outage is still that refusal
  notFoundAfterOutage: () => new TRPCError({ code: "NOT_FOUND", message: "No such user", cause: outage() }),
  badRequest: () => new TRPCError({ code: "BAD_REQUEST", message: "nope" }),
  tooManyAttempts: () => platformErrors.tooManyAttempts(42),
};

type Failure = keyof typeof failures;
const failure = z.enum(Object.keys(failures) as [Failure, ...Failure[]]);

/** The procedures that ran to the end, by name: a refused caller must never reach one. */
const proceduresRun: string[] = [];

/** What an app builds with initAuth: a router of procedures of each kind. */
function buildApp() {
  const auth = initAuth<AuthDeps>();
  const router = auth.router({
    open: auth.publicProcedure.query(() => "open"),
    whoami: auth.authedProcedure.query(({ ctx }) => ctx.principal),
    adminOnly: auth.adminProcedure.query(() => "admin"),
    adminWhoami: auth.adminProcedure.query(({ ctx }) => ctx.principal),
    authedFail: auth.authedProcedure.input(failure).mutation(({ input }) => {
      throw failures[input]();
    }),
    adminFail: auth.adminProcedure.input(failure).mutation(({ input }) => {
      throw failures[input]();
    }),
    // an app's own middleware on top of a base procedure: it sees the principal, and its outages are mapped too
    greeting: auth.authedProcedure
      .use(({ ctx, next }) => next({ ctx: { greeting: `hello ${ctx.principal.userId}` } }))
      .query(({ ctx }) => ctx.greeting),
    appMiddlewareOutage: auth.authedProcedure
      .use(() => {
        throw outage();
      })
      .query(() => "unreachable"),
    supportOrAdmin: auth.requireRole(["support", "admin"]).query(() => {
      proceduresRun.push("supportOrAdmin");
      return "support";
    }),
    signUp: auth.publicProcedure
      .input(z.strictObject({ email: z.email(), age: z.number().int() }))
      .mutation(({ input }) => input),
    // a bug: the procedure returns what its output schema refuses (tRPC: INTERNAL_SERVER_ERROR, caused by a ZodError)
    leakyOutput: auth.publicProcedure
      .output(z.strictObject({ id: z.string() }))
      .query(() => ({ id: 42, passwordHash: "$argon2id$..." }) as unknown as { id: string }),
    fail: auth.publicProcedure.input(failure).mutation(({ input }) => {
      throw failures[input]();
    }),
  });
  return { router, createCaller: auth.createCallerFactory(router) };
}

// One suite around everything, with the app built in its beforeAll rather than when the file loads:
// an app that cannot even be built then fails every test here, visibly (a mutation run does not
// count a file that fails to load).
describe("initAuth", () => {
  /** The source of truth: sessions by id, and the ids it was asked for. */
  const sourceOfTruth = new Map<string, { userId: string; expiresAt: Date; roles: UserRoles }>();
  const sourceReads: string[] = [];
  const denials: AccessDenial[] = [];

  let app: ReturnType<typeof buildApp>;
  let testRegistry: TestRegistry;
  let deps: AuthDeps;
  beforeAll(async () => {
    app = buildApp();
    testRegistry = await createTestRegistry();
    deps = {
      tokens,
      registry: testRegistry.registry,
      loadSession: (sessionId) => {
        sourceReads.push(sessionId);
        return Promise.resolve(sourceOfTruth.get(sessionId) ?? null);
      },
      onAccessDenied: (denial) => {
        denials.push(denial);
        return Promise.resolve();
      },
    };
  });
  afterAll(() => testRegistry.cleanup());
  afterEach(() => {
    sourceReads.length = 0;
    denials.length = 0;
    proceduresRun.length = 0;
  });

  let sessionCount = 0;
  /** A session in the source of truth and the registry, and an access token for it. */
  async function signedIn(roles: string[], { registered = true } = {}) {
    sessionCount += 1;
    const session = { sessionId: `session_${sessionCount}_${Date.now()}`, userId: `user_${sessionCount}` };
    const expiresAt = new Date(Date.now() + 3_600_000);
    sourceOfTruth.set(session.sessionId, { userId: session.userId, expiresAt, roles: { roles, version: 1 } });
    if (registered) await deps.registry.register({ ...session, expiresAt }, { roles, version: 1 });
    const token = await tokens.sign({ ...session, roles });
    return { ...session, expiresAt, token, authorization: `Bearer ${token}` };
  }

  const caller = (authorization?: string, callerDeps: AuthDeps = deps) =>
    app.createCaller({ deps: callerDeps, request: { authorization, ip: "192.0.2.1", userAgent: "test" } });

  /**
   * Calls a procedure as a client would, over HTTP semantics (tRPC's fetch adapter): a mutation with
   * an input, a query without one. Returns the error as the client reads it.
   */
  async function errorOverHttp(path: string, input: unknown, authorization?: string, callerDeps: AuthDeps = deps) {
    const headers = { "content-type": "application/json", ...(authorization ? { authorization } : {}) };
    const url = `http://api.test/trpc/${path}`;
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req:
        input === undefined
          ? new Request(url, { headers })
          : new Request(url, { method: "POST", headers, body: JSON.stringify(transformer.input.serialize(input)) }),
      router: app.router,
      createContext: () => ({ deps: callerDeps, request: { authorization } }),
    });
    const body = (await response.json()) as { error?: unknown };
    if (!body.error) throw new Error(`${path} succeeded`);
    const error = transformer.output.deserialize(body.error) as {
      message: string;
      code: number;
      data: Record<string, unknown>;
    };
    return { status: response.status, ...error };
  }

  describe("authedProcedure: who is calling", () => {
    it("is the token's user and session, with the roles the registry has now (not the token's)", async () => {
      const { token, userId, sessionId } = await signedIn(["user"]);
      await deps.registry.setRoles(userId, { roles: ["user", "admin"], version: 2 });
      expect(await caller(`Bearer ${token}`).whoami()).toEqual({ userId, sessionId, roles: ["user", "admin"] });
    });

    it("is answered by the registry alone while it knows the session: no read of the source of truth", async () => {
      const { authorization } = await signedIn(["user"]);
      await caller(authorization).whoami();
      expect(sourceReads).toEqual([]);
    });

    it.each([
      ["no Authorization header", undefined],
      ["another scheme", "Basic dXNlcjpwYXNz"],
      ["a token that is not a JWT", "Bearer not-a-jwt"],
      ["the scheme without a token", "Bearer "],
    ])("refuses %s as UNAUTHORIZED (reason: session)", async (_, authorization) => {
      expect(await codeOf(caller(authorization).whoami())).toBe("UNAUTHORIZED");
      expect((await errorOverHttp("whoami", undefined, authorization)).data).toMatchObject({
        code: "UNAUTHORIZED",
        reason: "session",
      });
    });

    it("refuses a token signed with another key", async () => {
      const { userId, sessionId } = await signedIn(["user"]);
      const forged = await forgeAccessToken({
        ...tokenOptions,
        secret: "another-secret-that-is-long-enough-98765",
        userId,
        sessionId,
        issuedAt: new Date(),
      });
      expect(await codeOf(caller(`Bearer ${forged}`).whoami())).toBe("UNAUTHORIZED");
    });

    it("refuses a revoked session, even while the source of truth still lists it (the revocation wins)", async () => {
      const { authorization, userId, sessionId, expiresAt } = await signedIn(["user"]);
      await deps.registry.revoke(userId, [{ sessionId, expiresAt }]);
      expect(await codeOf(caller(authorization).whoami())).toBe("UNAUTHORIZED");
    });

    describe("a user whose registry entries may be behind (isRegistryBehind)", () => {
      /** Deps that say this user's registry writes are pending. */
      const behindFor = (userId: string): AuthDeps => ({ ...deps, isRegistryBehind: (id) => id === userId });

      it("is judged by the source of truth, not the registry: its roles, and a session ended there", async () => {
        const { authorization, userId, sessionId, expiresAt } = await signedIn(["user"]);
        // the role change reached the source of truth; the registry missed it
        sourceOfTruth.set(sessionId, { userId, expiresAt, roles: { roles: ["user", "support"], version: 2 } });
        expect(await caller(authorization, behindFor(userId)).whoami()).toEqual({
          userId,
          sessionId,
          roles: ["user", "support"],
        });
        expect(await caller(authorization).whoami()).toMatchObject({ roles: ["user"] }); // not behind: the registry
        sourceOfTruth.delete(sessionId); // ended in the source of truth, still live in the registry
        expect(await codeOf(caller(authorization, behindFor(userId)).whoami())).toBe("UNAUTHORIZED");
      });

      it("is refused when the session belongs to another user than the token's", async () => {
        const { sessionId } = await signedIn(["user"]);
        const token = await tokens.sign({ userId: "user_someone_else", sessionId, roles: ["admin"] });
        expect(await codeOf(caller(`Bearer ${token}`, behindFor("user_someone_else")).whoami())).toBe("UNAUTHORIZED");
      });
    });

    describe("a session the registry does not know (flushed, evicted, another instance's)", () => {
      it("is restored from the source of truth, with the roles there, and registered again", async () => {
        const { authorization, userId, sessionId } = await signedIn(["user", "support"], { registered: false });
        expect(await caller(authorization).whoami()).toEqual({ userId, sessionId, roles: ["user", "support"] });
        expect(sourceReads).toEqual([sessionId]);
        expect(await deps.registry.lookup(sessionId, userId)).toEqual({ status: "live", roles: ["user", "support"] });
        await caller(authorization).whoami();
        expect(sourceReads).toEqual([sessionId]);
      });

      it("is refused when the source of truth has no such session (ended, expired)", async () => {
        const { authorization, sessionId } = await signedIn(["user"], { registered: false });
        sourceOfTruth.delete(sessionId);
        expect(await codeOf(caller(authorization).whoami())).toBe("UNAUTHORIZED");
      });

      it("is refused when the session belongs to another user than the token's", async () => {
        const { sessionId } = await signedIn(["user"], { registered: false });
        const token = await tokens.sign({ userId: "user_someone_else", sessionId, roles: ["admin"] });
        expect(await codeOf(caller(`Bearer ${token}`).whoami())).toBe("UNAUTHORIZED");
        expect(await deps.registry.lookup(sessionId, "user_someone_else")).toEqual({ status: "unknown" });
      });
    });
  });

  describe("readBearerToken: the Authorization header", () => {
    it.each([
      ["Bearer abc.def.ghi", "abc.def.ghi"],
      ["bearer abc.def.ghi", "abc.def.ghi"],
      ["Bearer   abc.def.ghi", "abc.def.ghi"], // RFC 6750: one or more spaces
      ["Bearer a-b_c~d+e/f==", "a-b_c~d+e/f=="], // every b64token character, padding included
    ])("reads the token of %j", (header, token) => {
      expect(readBearerToken(header)).toBe(token);
    });

    it.each([
      ["nothing", undefined],
      ["another scheme", "Basic abc"],
      ["text before the scheme", "xBearer abc"],
      ["text after the token", "Bearer abc def"],
      ["no space after the scheme", "Bearerabc"],
      ["a character outside b64token", "Bearer abc!"],
      ["padding in the middle", "Bearer ab=c"],
    ])("finds none in %s", (_, header) => {
      expect(readBearerToken(header)).toBeNull();
    });
  });

  describe("requireRole and adminProcedure", () => {
    it("let in a user with any one of the roles", async () => {
      const support = await signedIn(["user", "support"]);
      const admin = await signedIn(["admin"]);
      expect(await caller(support.authorization).supportOrAdmin()).toBe("support");
      expect(await caller(admin.authorization).supportOrAdmin()).toBe("support");
      expect(await caller(admin.authorization).adminOnly()).toBe("admin");
      expect(await caller(admin.authorization).adminWhoami()).toEqual({
        userId: admin.userId,
        sessionId: admin.sessionId,
        roles: ["admin"],
      });
    });

    it("refuse a user without them as FORBIDDEN naming the roles, and tell onAccessDenied first", async () => {
      const { authorization, userId, sessionId } = await signedIn(["user"]);
      const error = await caller(authorization)
        .supportOrAdmin()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "FORBIDDEN", message: "Requires one of the roles: support, admin" });
      expect(denials).toEqual([
        {
          principal: { userId, sessionId, roles: ["user"] },
          path: "supportOrAdmin",
          requiredRoles: ["support", "admin"],
          request: { authorization, ip: "192.0.2.1", userAgent: "test" },
        },
      ]);
      expect(await codeOf(caller(authorization).adminOnly())).toBe("FORBIDDEN");
      expect(denials.map(({ requiredRoles }) => requiredRoles)).toEqual([["support", "admin"], ["admin"]]);
      expect(proceduresRun).toEqual([]);
    });

    it("refuse as FORBIDDEN when the app has no onAccessDenied", async () => {
      const { authorization } = await signedIn(["user"]);
      const { onAccessDenied: _, ...withoutListener } = deps;
      expect(await codeOf(caller(authorization, withoutListener).adminOnly())).toBe("FORBIDDEN");
    });

    it("refuse a caller without a session as UNAUTHORIZED, not FORBIDDEN, and tell no one", async () => {
      expect(await codeOf(caller().adminOnly())).toBe("UNAUTHORIZED");
      expect(denials).toEqual([]);
    });
  });

  describe("publicProcedure", () => {
    it("answers anyone", async () => {
      expect(await caller().open()).toBe("open");
    });

    it("turns a backing service outage into SERVICE_UNAVAILABLE", async () => {
      expect(await codeOf(caller().fail("outage"))).toBe("SERVICE_UNAVAILABLE");
    });

    it("leaves a bug an INTERNAL_SERVER_ERROR, and a deliberate refusal as it was thrown", async () => {
      expect(await codeOf(caller().fail("bug"))).toBe("INTERNAL_SERVER_ERROR");
      expect(await codeOf(caller().fail("notFoundAfterOutage"))).toBe("NOT_FOUND");
    });
  });

  // Each base procedure is one middleware that authenticates, checks roles and runs the rest of the
  // call inside its outage mapping: an outage at any of those steps must be a 503, on every kind.
  describe("a backing service outage, wherever it happens", () => {
    const sourceDown: Partial<AuthDeps> = { loadSession: () => Promise.reject(outage()) };
    const sourceBroken: Partial<AuthDeps> = { loadSession: () => Promise.reject(failures.bug()) };
    const auditDown: Partial<AuthDeps> = { onAccessDenied: () => Promise.reject(outage()) };

    it("while authenticating (the source of truth down on a registry miss): SERVICE_UNAVAILABLE", async () => {
      const { authorization } = await signedIn(["admin"], { registered: false });
      expect(await codeOf(caller(authorization, { ...deps, ...sourceDown }).whoami())).toBe("SERVICE_UNAVAILABLE");
      expect(await codeOf(caller(authorization, { ...deps, ...sourceDown }).adminOnly())).toBe("SERVICE_UNAVAILABLE");
      expect(await codeOf(caller(authorization, { ...deps, ...sourceDown }).greeting())).toBe("SERVICE_UNAVAILABLE");
    });

    it("while authenticating, a bug stays an INTERNAL_SERVER_ERROR", async () => {
      const { authorization } = await signedIn(["admin"], { registered: false });
      expect(await codeOf(caller(authorization, { ...deps, ...sourceBroken }).whoami())).toBe("INTERNAL_SERVER_ERROR");
      expect(await codeOf(caller(authorization, { ...deps, ...sourceBroken }).adminOnly())).toBe(
        "INTERNAL_SERVER_ERROR",
      );
    });

    it("while telling onAccessDenied of a FORBIDDEN: SERVICE_UNAVAILABLE", async () => {
      const { authorization } = await signedIn(["user"]);
      expect(await codeOf(caller(authorization, { ...deps, ...auditDown }).adminOnly())).toBe("SERVICE_UNAVAILABLE");
    });

    it("in the procedure of a signed-in caller: SERVICE_UNAVAILABLE; a bug or a refusal stays what it was", async () => {
      const user = await signedIn(["user"]);
      const admin = await signedIn(["admin"]);
      expect(await codeOf(caller(user.authorization).authedFail("outage"))).toBe("SERVICE_UNAVAILABLE");
      expect(await codeOf(caller(admin.authorization).adminFail("outage"))).toBe("SERVICE_UNAVAILABLE");
      expect(await codeOf(caller(user.authorization).authedFail("bug"))).toBe("INTERNAL_SERVER_ERROR");
      expect(await codeOf(caller(admin.authorization).adminFail("notFoundAfterOutage"))).toBe("NOT_FOUND");
    });

    it("in an app's own middleware on top of a base procedure, which sees the principal: SERVICE_UNAVAILABLE", async () => {
      const { authorization, userId } = await signedIn(["user"]);
      expect(await caller(authorization).greeting()).toBe(`hello ${userId}`);
      expect(await codeOf(caller(authorization).appMiddlewareOutage())).toBe("SERVICE_UNAVAILABLE");
    });

    it("reaches the client as a 503 when it happens while authenticating", async () => {
      const { authorization } = await signedIn(["user"], { registered: false });
      const error = await errorOverHttp("whoami", undefined, authorization, { ...deps, ...sourceDown });
      expect(error).toMatchObject({ status: 503, message: "A backing service is unavailable; try again shortly" });
    });
  });

  describe("errors as a client receives them", () => {
    it("BAD_REQUEST from input validation: a readable message and every issue, field by field", async () => {
      const error = await errorOverHttp("signUp", { email: "not-an-email", age: 1.5 });
      expect(error.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400, path: "signUp" });
      expect(error.data.issues).toEqual([
        { path: ["email"], message: "Invalid email address" },
        { path: ["age"], message: "Invalid input: expected int, received number" },
      ]);
      expect(error.message).toBe(
        "✖ Invalid email address\n  → at email\n✖ Invalid input: expected int, received number\n  → at age",
      );
    });

    it("BAD_REQUEST thrown by a procedure: its own message, no issues", async () => {
      const error = await errorOverHttp("fail", "badRequest");
      expect(error.message).toBe("nope");
      expect(error.data).toMatchObject({ code: "BAD_REQUEST" });
      expect(error.data).not.toHaveProperty("issues");
    });

    it("INTERNAL_SERVER_ERROR: a generic message, no stack, whatever NODE_ENV says", async () => {
      const error = await errorOverHttp("fail", "bug");
      expect(error).toMatchObject({ status: 500, message: "Internal server error" });
      expect(error.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", path: "fail" });
      expect(error.data).not.toHaveProperty("stack");
      expect(JSON.stringify(error)).not.toContain("db.internal");
    });

    it("a failed output validation: an INTERNAL_SERVER_ERROR like any bug, not the issues of the data it refused", async () => {
      const error = await errorOverHttp("leakyOutput", undefined);
      expect(error).toMatchObject({ status: 500, message: "Internal server error" });
      expect(error.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
      expect(error.data).not.toHaveProperty("issues");
      expect(JSON.stringify(error)).not.toContain("passwordHash");
    });

    it("the platform's errors: their details in data, beside tRPC's own fields", async () => {
      const tooMany = await errorOverHttp("fail", "tooManyAttempts");
      expect(tooMany).toMatchObject({ status: 429, message: "Too many attempts; try again in 42 seconds" });
      expect(tooMany.data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429, retryAfterSeconds: 42 });
      expect(tooMany.data).not.toHaveProperty("stack");
      const unavailable = await errorOverHttp("fail", "outage");
      expect(unavailable).toMatchObject({
        status: 503,
        message: "A backing service is unavailable; try again shortly",
      });
    });
  });

  describe("errorDetailsOf", () => {
    it("reads the details an error of platformErrors carries, and names their carrier in logs", () => {
      const error = platformErrors.sessionRequired();
      expect(errorDetailsOf(error)).toEqual({ reason: "session" });
      expect(error.cause).toMatchObject({ name: "ErrorDetailsCause", message: '{"reason":"session"}' });
    });

    it.each([
      ["an error of another kind", new Error("boom", { cause: new Error("root") })],
      ["null", null],
      ["undefined", undefined],
    ])("gives no details for %s", (_, error) => {
      expect(errorDetailsOf(error)).toEqual({});
    });
  });
});
