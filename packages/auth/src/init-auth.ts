// The one place where tRPC is initialised and the base procedures are built; you rarely need to
// edit it. An app calls `initAuth<TheirDeps>()` once (apps/api/src/trpc.ts) and builds every
// procedure from what it returns; nothing else touches `t.procedure`.
//
//   publicProcedure          anyone; maps a backing service outage to SERVICE_UNAVAILABLE
//   authedProcedure          a live session: ctx.principal = { userId, sessionId, roles (current) }
//   requireRole(["a", "b"])  a live session whose user has at least one of the roles
//   adminProcedure           requireRole(["admin"])
//
// Data travels as superjson (dates stay dates; see transformer.ts); errors as error-formatter.ts says.
import { initTRPC } from "@trpc/server";

import { type AuthDeps, authenticate } from "./authenticate.js";
import { formatError } from "./error-formatter.js";
import { platformErrors } from "./errors.js";
import { isServiceUnavailable } from "./service-errors.js";
import { transformer } from "./transformer.js";

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

export function initAuth<TDeps extends AuthDeps>() {
  const t = initTRPC.context<AuthContext<TDeps>>().create({
    transformer,
    // never send stacks to clients, whatever NODE_ENV says
    isDev: false,
    errorFormatter: formatError,
  });

  const publicProcedure = t.procedure.use(async ({ next }) => {
    const result = await next();
    if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR" && isServiceUnavailable(result.error)) {
      throw platformErrors.serviceUnavailable(result.error);
    }
    return result;
  });

  const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
    const principal = await authenticate(ctx.deps, ctx.request.authorization);
    if (!principal) throw platformErrors.sessionRequired();
    return next({ ctx: { principal } });
  });

  const requireRole = (roles: readonly string[]) =>
    authedProcedure.use(async ({ ctx, path, next }) => {
      if (!roles.some((role) => ctx.principal.roles.includes(role))) {
        await ctx.deps.onAccessDenied?.({ principal: ctx.principal, path, requiredRoles: roles, request: ctx.request });
        throw platformErrors.missingRole(roles);
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
