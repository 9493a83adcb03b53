import type { RequestInfo } from "@platform/auth";

import { createContext } from "./context.js";
import type { ApiDeps } from "./deps.js";
import { appRouter } from "./router.js";
import { createCallerFactory } from "./trpc.js";

const createAppCaller = createCallerFactory(appRouter);

/** Calls procedures in-process (tests, scripts): `createCaller(deps, { authorization: "Bearer ..." })`. */
export function createCaller(deps: ApiDeps, request: RequestInfo = {}) {
  return createAppCaller(createContext(deps, request));
}
