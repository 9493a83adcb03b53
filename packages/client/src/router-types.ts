// The routers as a client sees them: their procedures (inputs, outputs, error shape) without the
// server's context. The server's router types carry that context (Prisma, Redis, Fastify, the
// logger) at every level; a published .d.ts that named them would need every private package of
// this repo. `declare` + inference makes TypeScript write each record out in full in the emitted
// declarations, which tsdown then bundles into dist/index.d.ts. This module is imported only with
// `import type`: its two lines of code never run.
import type { AppRouter as ServerAppRouter, ErrorShape } from "@platform/api";
import type { NotesRouter as ServerNotesRouter } from "@platform/notes";
import type {
  AnyTRPCProcedure,
  AnyTRPCRouter,
  inferRouterInputs,
  inferRouterOutputs,
  TRPCBuiltRouter,
  TRPCRouterRecord,
} from "@trpc/server";

// A router's entries, or a record's own (tRPC keeps nested routers as records or routers).
type Entries<T> = T extends AnyTRPCRouter ? T["_def"]["record"] : T;
type Level<T> = { [K in keyof Entries<T>]: Entries<T>[K] };

// Written out, not as a named recursive type: a named type would be emitted by name, and its
// argument (the server's router, context and all) with it. Three levels: app → router →
// sub-router (auth.sessions); a procedure deeper than that would keep the server's names, and the
// pack test (src/pack.test.ts) would fail on them.
declare function clientRecord<R extends AnyTRPCRouter>(
  router: R,
): {
  [K in keyof Level<R>]: Level<R>[K] extends AnyTRPCProcedure
    ? Level<R>[K]
    : {
        [P in keyof Level<Level<R>[K]>]: Level<Level<R>[K]>[P] extends AnyTRPCProcedure
          ? Level<Level<R>[K]>[P]
          : { [Q in keyof Level<Level<Level<R>[K]>[P]>]: Level<Level<Level<R>[K]>[P]>[Q] };
      };
};
declare const appRouter: ServerAppRouter;
declare const notesRouter: ServerNotesRouter;
// Inferred, never annotated (an annotation would be emitted as written); exported only so that
// they count as used. Nothing reads them at run time: the module is only ever imported as types.
export const appRecord = clientRecord(appRouter);
export const notesRecord = clientRecord(notesRouter);

type ClientRouter<TRecord extends TRPCRouterRecord> = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: ErrorShape; transformer: true },
  TRecord
>;

/** The identity API's router, for `createTRPCClient<AppRouter>` and tRPC's inference helpers. */
export type AppRouter = ClientRouter<typeof appRecord>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The notes app's router (apps/notes, the example specialist). */
export type NotesRouter = ClientRouter<typeof notesRecord>;
export type NotesRouterInputs = inferRouterInputs<NotesRouter>;
export type NotesRouterOutputs = inferRouterOutputs<NotesRouter>;
