// A trivial public procedure: what a call costs when it does nothing, so the benchmark (bench/)
// can compare serving paths (tRPC's stock adapter against this API's) without the database, the
// registry or the token check in the way. Also a cheap liveness check through the tRPC endpoint
// itself; GET /health stays the probe for orchestrators.
import { publicProcedure, router } from "../trpc.js";

export const healthRouter = router({
  ping: publicProcedure.query(() => ({ status: "ok" as const })),
});
