// Deny by default: every procedure of the API is declared here with who may call it, and each is
// called for real as an anonymous caller, a signed-in user and an admin. A procedure missing from
// the table fails the first test, so a new procedure cannot become public (or merely "signed in")
// by accident: whoever adds one must say who it is for.
//
// The inputs are valid (a real user, a real session, a real refresh token), so what decides each
// answer is the access rule, not validation: an allowed call succeeds ("OK"), a denied one gets
// the access error. (tRPC runs middleware in the order of the builder chain, and every base
// procedure authenticates before its `.input()` parses; the last test pins that order too.)
import { errorDetailsOf } from "@platform/auth";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";

import type { createCaller } from "./caller.js";
import { appRouter } from "./router.js";
import { credentialsOf, type TestUser, uniqueEmail, useTestHarness } from "./test-support/index.js";

type Access = "public" | "signed in" | "admin";
type Caller = ReturnType<typeof createCaller>;
type Role = "anonymous" | "user" | "admin";

/** Whom a call is about: a signed-in user other than the caller. */
interface Target extends TestUser {
  token: string;
  refreshToken: string;
  sessionId: string;
}

/** The caller's own session, for procedures that act on it. */
interface Self {
  id?: string;
  sessionId?: string;
  password: string;
}

interface Entry {
  access: Access;
  /** A valid input for this procedure (none when it takes none). */
  input?: (target: Target, self: Self) => unknown;
}

const accessTable: Record<string, Entry> = {
  "auth.signUp": {
    access: "public",
    input: () => ({ email: uniqueEmail("sign-up"), name: "New", password: "a fine passphrase" }),
  },
  "auth.signIn": { access: "public", input: (target) => credentialsOf(target) },
  "auth.refresh": { access: "public", input: (target) => ({ refreshToken: target.refreshToken }) },
  "auth.signOut": { access: "signed in" },
  "auth.me": { access: "signed in" },
  "auth.session": { access: "signed in" },
  "auth.changePassword": {
    access: "signed in",
    input: (_, self) => ({ currentPassword: self.password, newPassword: "a brand new passphrase" }),
  },
  "auth.sessions.list": { access: "signed in" },
  "auth.sessions.revoke": { access: "signed in", input: (_, self) => ({ id: self.sessionId }) },
  "auth.sessions.revokeOthers": { access: "signed in" },
  "users.findById": { access: "signed in", input: (target) => target.id },
  "users.list": { access: "admin" },
  "users.setRoles": { access: "admin", input: (target) => ({ id: target.id, roles: ["user", "support"] }) },
  "users.revokeSessions": { access: "admin", input: (target) => ({ id: target.id }) },
  "users.delete": { access: "admin", input: (target) => ({ id: target.id }) },
  "audit.list": { access: "admin" },
  "health.ping": { access: "public" },
};

/** What each kind of caller must get, by access level. */
const expectedOutcome: Record<Access, Record<Role, string>> = {
  public: { anonymous: "OK", user: "OK", admin: "OK" },
  "signed in": { anonymous: "UNAUTHORIZED (session)", user: "OK", admin: "OK" },
  admin: { anonymous: "UNAUTHORIZED (session)", user: "FORBIDDEN", admin: "OK" },
};

const h = useTestHarness();
const procedurePaths = Object.keys(appRouter._def.procedures);

/** The procedure at a dotted path of a caller (`auth.sessions.list`). */
function procedureAt(caller: Caller, path: string): (input?: unknown) => Promise<unknown> {
  let node: unknown = caller;
  for (const key of path.split(".")) node = (node as Record<string, unknown>)[key];
  return node as (input?: unknown) => Promise<unknown>;
}

/** "OK", the tRPC code, or "UNAUTHORIZED (session)" for the no-live-session answer. */
async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const isNoSession = error.code === "UNAUTHORIZED" && errorDetailsOf(error).reason === "session";
    return isNoSession ? "UNAUTHORIZED (session)" : error.code;
  }
}

async function signedInTarget(): Promise<Target> {
  const user = await h.createSignedInUser();
  return { ...user, sessionId: h.sessionIdOf(user.refreshToken) };
}

/** A caller of this kind, with a session of its own (a fresh user each time: calls may end it). */
async function callerFor(role: Role): Promise<{ caller: Caller; self: Self }> {
  if (role === "anonymous") return { caller: h.caller(), self: { password: "none" } };
  const user = await h.createSignedInUser({ roles: role === "admin" ? ["admin", "user"] : ["user"] });
  return {
    caller: h.caller(user.token),
    self: { id: user.id, sessionId: h.sessionIdOf(user.refreshToken), password: user.password },
  };
}

/** The access_denied events of the audit trail for this actor. */
const denialsOf = (actorId: string | undefined) =>
  h.deps.prisma.auditEvent.findMany({ where: { action: "access_denied", actorId: actorId ?? "nobody" } });

describe("the access table", () => {
  it("declares every procedure of the router, and nothing else", () => {
    expect(procedurePaths.filter((path) => !(path in accessTable))).toEqual([]);
    expect(Object.keys(accessTable).filter((path) => !procedurePaths.includes(path))).toEqual([]);
  });

  it("makes public only sign-up, sign-in, refresh and the ping", () => {
    const publicPaths = Object.entries(accessTable).filter(([, entry]) => entry.access === "public");
    expect(publicPaths.map(([path]) => path).sort()).toEqual([
      "auth.refresh",
      "auth.signIn",
      "auth.signUp",
      "health.ping",
    ]);
  });
});

describe.each(Object.entries(accessTable))("%s", (path, { access, input }) => {
  it(`is ${access}: anonymous, user and admin get what the table says`, async () => {
    const target = await signedInTarget();
    const outcomes: Record<string, string> = {};
    const denials: Record<string, unknown[]> = {};
    // the admin last: its call may delete the target
    for (const role of ["anonymous", "user", "admin"] as const) {
      const { caller, self } = await callerFor(role);
      outcomes[role] = await outcomeOf(procedureAt(caller, path)(input?.(target, self)));
      if (role !== "anonymous") denials[role] = await denialsOf(self.id);
    }
    expect(outcomes).toEqual(expectedOutcome[access]);
    // every FORBIDDEN is in the audit trail, with the procedure and the roles it needs
    const forbidden = [expect.objectContaining({ outcome: "failure", details: { path, requiredRoles: ["admin"] } })];
    expect(denials).toEqual({ user: access === "admin" ? forbidden : [], admin: [] });
  });
});

describe("authentication comes before validation", () => {
  it.each(procedurePaths.filter((path) => accessTable[path]?.access !== "public"))(
    "%s: an anonymous call with a malformed input is UNAUTHORIZED, not BAD_REQUEST",
    async (path) => {
      const malformed = { unexpected: "\u0000".repeat(3), id: 42 };
      expect(await outcomeOf(procedureAt(h.caller(), path)(malformed))).toBe("UNAUTHORIZED (session)");
    },
  );
});
