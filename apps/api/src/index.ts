// The API as a library: the router type for clients, and the factories for tests and embedding.
export type { AppRouter, RouterInputs, RouterOutputs } from "./router.js";
export { appRouter } from "./router.js";
export { loadConfig, ConfigError, type Config } from "./config.js";
export { createDeps, type ApiDeps, type CreateDepsOptions } from "./deps.js";
export { openDeps, type OpenedDeps } from "./open-deps.js";
export { buildServer, type BuildServerOptions } from "./server.js";
export { createContext } from "./context.js";
export { createCaller } from "./caller.js";
export { seedAdmin } from "./seed-admin.js";
export type { PublicUser } from "./user-select.js";
