// The two ways buildServer can serve /trpc (BuildServerOptions.serving): the fast route of
// trpc-http/ and tRPC's stock adapter. The HTTP suites run through both (describe.each), so that
// the fast route is held to every behaviour the stock adapter has.
export const servings = ["fast", "stock"] as const;
export type Serving = (typeof servings)[number];
