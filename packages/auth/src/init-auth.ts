// The one place where tRPC is initialised and the base procedures are built; you rarely need to
// edit it. An app calls `initAuth<TheirDeps>()` once (apps/api/src/trpc.ts) and builds every
// procedure from what it returns; nothing else touches `t.procedure`.
//
//   publicProcedure          anyone; maps a backing service outage to SERVICE_UNAVAILABLE
//   authedProcedure          a live session: ctx.principal = { userId, sessionId, roles (current) }
//   requireRole(["a", "b"])  a live session whose user has at least one of the roles
//   adminProcedure           requireRole(["admin"])
//
// Each base procedure is exactly one middleware, not a chain (public -> authed -> role): tRPC copies
// a call's options several times at every middleware level (its object-spread helper was ~9 % of the
// API's CPU under auth.me load; one level fewer made an in-process auth.me ~40 % cheaper, issue #9).
// So the steps are plain functions, run in the same order as the chain ran them (authenticate, then
// the role check, which tells onAccessDenied before FORBIDDEN, then the rest of the call), all inside
// one outage mapping: an outage at any step, or in the resolver or a `.use()` an app adds on top, is
// SERVICE_UNAVAILABLE on every kind of procedure.
//
// Data travels as superjson (dates stay dates; see transformer.ts); errors as error-formatter.ts says.
import { getTRPCErrorFromUnknown, initTRPC, type TRPCError } from "@trpc/server";

import { type AuthDeps, authenticate, type Principal } from "./authenticate.js";
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

/**
 * `TContext`: an app whose context carries more than `deps` and `request` (the identity API's
 * refresh cookie, apps/api/src/context.ts) names its context type here; by default it is AuthContext.
 */
export function initAuth<TDeps extends AuthDeps, TContext extends AuthContext<TDeps> = AuthContext<TDeps>>() {
  const t = initTRPC.context<TContext>().create({
    transformer,
    // never send stacks to clients, whatever NODE_ENV says
    isDev: false,
    errorFormatter: formatError,
  });

  const publicProcedure = t.procedure.use(({ next }) => mappingOutages(() => next()));

  const authedProcedure = t.procedure.use(({ ctx, next }) =>
    mappingOutages(async () => {
      const principal = await signedInCaller(ctx);
      return next({ ctx: { principal } });
    }),
  );

  const requireRole = (roles: readonly string[]) =>
    t.procedure.use(({ ctx, path, next }) =>
      mappingOutages(async () => {
        const principal = await signedInCaller(ctx);
        await requireOneOfRoles(ctx, principal, path, roles);
        return next({ ctx: { principal } });
      }),
    );

  return {
    router: t.router,
    createCallerFactory: t.createCallerFactory,
    publicProcedure,
    authedProcedure,
    requireRole,
    adminProcedure: requireRole(["admin"]),
  };
}

/** What `next()` answers in a middleware: the rest of the call's outcome. */
type OutcomeOfNext = { ok: true } | { ok: false; error: TRPCError };

/**
 * Runs a middleware's steps, the rest of the call (`next()`) included, answering a backing service
 * outage among them with SERVICE_UNAVAILABLE: whether a step threw it or the rest of the call
 * reported it. tRPC reports any error that is not a TRPCError as INTERNAL_SERVER_ERROR caused by it;
 * a deliberate TRPCError (NOT_FOUND, UNAUTHORIZED...) stays what it was, whatever its cause.
 */
async function mappingOutages<TOutcome extends OutcomeOfNext>(steps: () => Promise<TOutcome>): Promise<TOutcome> {
  let outcome: TOutcome;
  try {
    outcome = await steps();
  } catch (thrown) {
    throw asServiceUnavailable(getTRPCErrorFromUnknown(thrown));
  }
  if (!outcome.ok && isOutage(outcome.error)) throw platformErrors.serviceUnavailable(outcome.error);
  return outcome;
}

function isOutage(error: TRPCError): boolean {
  return error.code === "INTERNAL_SERVER_ERROR" && isServiceUnavailable(error);
}

function asServiceUnavailable(error: TRPCError): TRPCError {
  return isOutage(error) ? platformErrors.serviceUnavailable(error) : error;
}

/** The caller of a live session, or UNAUTHORIZED. */
async function signedInCaller({ deps, request }: AuthContext<AuthDeps>): Promise<Principal> {
  const principal = await authenticate(deps, request.authorization);
  if (!principal) throw platformErrors.sessionRequired();
  return principal;
}

/** FORBIDDEN unless the principal has at least one of the roles; the app's onAccessDenied hears of it first. */
async function requireOneOfRoles(
  { deps, request }: AuthContext<AuthDeps>,
  principal: Principal,
  path: string,
  roles: readonly string[],
): Promise<void> {
  if (roles.some((role) => principal.roles.includes(role))) return;
  await deps.onAccessDenied?.({ principal, path, requiredRoles: roles, request });
  throw platformErrors.missingRole(roles);
}
