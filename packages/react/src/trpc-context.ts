// The typed tRPC hooks of the identity API, on TanStack Query: `useTRPC()` returns the options
// factories (`trpc.users.list.queryOptions()`, `trpc.auth.signIn.mutationOptions()`) for
// useQuery/useMutation. One context for the whole app; PlatformProvider mounts its provider.
import type { AppRouter } from "@platform/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

const context = createTRPCContext<AppRouter>();

// one export each (not a destructuring): the declaration bundler drops destructured exports
export const TRPCProvider = context.TRPCProvider;
export const useTRPC = context.useTRPC;
export const useTRPCClient = context.useTRPCClient;
