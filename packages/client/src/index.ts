// The typed client of the identity API. Only types come from the server package (`import type`
// is erased), so no server code reaches a browser or Node bundle.
export { type ClientOptions, createClient, type IdentityClient } from "./create-client.js";
export { createMemoryDeviceTokenStore, type DeviceTokenStore } from "./device-link.js";
export { createMemoryTokenStore, type StoredSession, type TokenStore } from "./token-store.js";
export type { AppRouter, ErrorData, RouterInputs, RouterOutputs } from "@platform/api";
export { TRPCClientError } from "@trpc/client";
