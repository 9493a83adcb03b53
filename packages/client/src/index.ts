// The typed clients of the platform: the identity API's, and a specialist app's sharing its
// session (createSpecialistClient; notes' types are here). Only types come from the server
// packages (`import type` is erased), so no server code reaches a browser or Node bundle.
export {
  type BrowserTokenStore,
  type BrowserTokenStoreOptions,
  createBrowserTokenStore,
} from "./browser-token-store.js";
export { type ClientOptions, createClient, type IdentityClient } from "./create-client.js";
export { createMemoryDeviceTokenStore, type DeviceTokenStore } from "./device-link.js";
export { type IdentityError, type IdentityErrorData, isIdentityError } from "./identity-error.js";
export { createNotesClient, type NotesClient } from "./notes-client.js";
export { resumeSession } from "./resume-session.js";
export type {
  AppRouter,
  NotesRouter,
  NotesRouterInputs,
  NotesRouterOutputs,
  RouterInputs,
  RouterOutputs,
} from "./router-types.js";
export type { RefreshTokenIn } from "./session-link.js";
export { createSpecialistClient, type SpecialistClientOptions } from "./specialist-client.js";
export { createMemoryTokenStore, type SessionListener, type StoredSession, type TokenStore } from "./token-store.js";
export { describeTransportError, transportErrorLink } from "./transport-errors.js";
export type { ErrorData, InputIssue, UnauthorizedReason } from "@platform/api";
export { TRPCClientError } from "@trpc/client";
