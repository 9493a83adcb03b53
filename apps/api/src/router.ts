import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

import { auditRouter } from "./routers/audit.js";
import { authRouter } from "./routers/auth.js";
import { healthRouter } from "./routers/health.js";
import { usersRouter } from "./routers/users.js";
import { router } from "./trpc.js";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  audit: auditRouter,
  health: healthRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
