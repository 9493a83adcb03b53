// The API as a library: the router type for clients, and the factories for tests and embedding.
export { createCaller } from "./caller.js";
export { type Config, ConfigError, loadConfig } from "./config.js";
export { createContext } from "./context.js";
export { type ApiDeps, createDeps, type CreateDepsOptions } from "./deps.js";
export { openDeps, type OpenedDeps } from "./open-deps.js";
export type { AppRouter, RouterInputs, RouterOutputs } from "./router.js";
export { appRouter } from "./router.js";
export { seedAdmin } from "./seed-admin.js";
export { buildServer, type BuildServerOptions } from "./server.js";
export type { PublicUser } from "./user-select.js";
