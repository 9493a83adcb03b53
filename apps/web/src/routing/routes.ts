// The app's pages, addressed by the URL's hash (#/users): a static bundle needs no server rules
// for its routes. Which page shows also depends on the session (pageFor): signed out, only the
// sign-in and sign-up pages; signed in, the account and users pages.

export const routes = {
  signIn: "#/sign-in",
  signUp: "#/sign-up",
  account: "#/account",
  users: "#/users",
} as const;

export type Route = keyof typeof routes;

export function routeOf(hash: string): Route | undefined {
  return (Object.keys(routes) as Route[]).find((route) => routes[route] === hash);
}

/** The page to show for the route asked for: a page of the other side of the session falls back to its home. */
export function pageFor(isSignedIn: boolean, route: Route | undefined): Route {
  if (isSignedIn) return route === "users" ? "users" : "account";
  return route === "signUp" ? "signUp" : "signIn";
}
