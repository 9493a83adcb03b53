// @platform/react: the identity API in a React app. Mount <PlatformProvider> once with the client
// and token store made by @platform/client; then useTRPC() for typed queries and mutations
// (TanStack Query) and useSession() for who is signed in. The query cache is cleared whenever the
// session ends (see session-watch.ts).
export { PlatformProvider, type PlatformProviderProps } from "./platform-provider.js";
export { createPlatformQueryClient, isFinalAnswer } from "./query-client.js";
export type { SessionTokenStore } from "./session-watch.js";
export { useTRPC, useTRPCClient } from "./trpc-context.js";
export { type Session, type SessionUser, useSession } from "./use-session.js";
