// The one place where tRPC is initialised and the base procedures are built. An app calls
// `initAuth<TheirDeps>()` once (apps/api/src/trpc.ts) and builds every procedure from what it
// returns; nothing else touches `t.procedure`.
//
//   publicProcedure          anyone; maps a backing service outage to SERVICE_UNAVAILABLE
//   authedProcedure          a live session: ctx.principal = { userId, sessionId, roles (current) }
//   requireRole(["a", "b"])  a live session whose user has at least one of the roles
//   adminProcedure           requireRole(["admin"])
import { initTRPC,TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z,ZodError } from "zod";

import { type AuthDeps,authenticate } from "./authenticate.js";
import { retryAfterSecondsOf } from "./retry-after.js";
import { isServiceUnavailable } from "./service-errors.js";

/** What the transport knows about a call (HTTP headers, socket). */
export interface RequestInfo {
  authorization?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface AuthContext<TDeps extends AuthDeps> {
  deps: TDeps;
  request: RequestInfo;
}

/** The cause of an UNAUTHORIZED that a fresh access token could cure (no, expired or revoked session). */
export class SessionRequired extends Error {
  override name = "SessionRequired";
}

/** The error for a call that needs a live session; `data.reason` is "session". */
export function sessionRequired(): TRPCError {
  return new TRPCError({
    code: "UNAUTHORIZED",
    message: "Not signed in, or the session has ended",
    cause: new SessionRequired(),
  });
}

export function initAuth<TDeps extends AuthDeps>() {
  const t = initTRPC.context<AuthContext<TDeps>>().create({
    transformer: superjson,
    // never send stacks to clients, whatever NODE_ENV says
    isDev: false,
    errorFormatter({ shape, error }) {
      if (error.code === "BAD_REQUEST" && error.cause instanceof ZodError) {
        return {
          ...shape,
          message: z.prettifyError(error.cause),
          data: { ...shape.data, issues: error.cause.issues.map(({ path, message }) => ({ path, message })) },
        };
      }
      if (error.code === "INTERNAL_SERVER_ERROR") return { ...shape, message: "Internal server error" };
      // tells clients "refresh and retry" apart from "wrong password" (both are UNAUTHORIZED)
      if (error.cause instanceof SessionRequired)
        return { ...shape, data: { ...shape.data, reason: "session" as const } };
      const retryAfterSeconds = retryAfterSecondsOf(error);
      if (retryAfterSeconds !== undefined) return { ...shape, data: { ...shape.data, retryAfterSeconds } };
      return shape;
    },
  });

  const publicProcedure = t.procedure.use(async ({ next }) => {
    const result = await next();
    if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR" && isServiceUnavailable(result.error)) {
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "A backing service is unavailable; try again shortly",
        cause: result.error,
      });
    }
    return result;
  });

  const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
    const principal = await authenticate(ctx.deps, ctx.request.authorization);
    if (!principal) throw sessionRequired();
    return next({ ctx: { principal } });
  });

  const requireRole = (roles: readonly string[]) =>
    authedProcedure.use(({ ctx, next }) => {
      if (!roles.some((role) => ctx.principal.roles.includes(role))) {
        throw new TRPCError({ code: "FORBIDDEN", message: `Requires one of the roles: ${roles.join(", ")}` });
      }
      return next();
    });

  return {
    router: t.router,
    createCallerFactory: t.createCallerFactory,
    publicProcedure,
    authedProcedure,
    requireRole,
    adminProcedure: requireRole(["admin"]),
  };
}
