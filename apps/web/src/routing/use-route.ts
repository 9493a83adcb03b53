// The route in the URL's hash, followed as it changes (links, back and forward buttons).
import { useSyncExternalStore } from "react";

import { type Route, routeOf, routes } from "./routes.js";

function subscribe(onChange: () => void) {
  window.addEventListener("hashchange", onChange);
  return () => {
    window.removeEventListener("hashchange", onChange);
  };
}

const currentHash = () => window.location.hash;

export function useRoute(): Route | undefined {
  return routeOf(useSyncExternalStore(subscribe, currentHash));
}

/** Shows `route` in the address bar without a new history entry (the page shown already is it). */
export function replaceRoute(route: Route): void {
  if (window.location.hash !== routes[route]) window.history.replaceState(null, "", routes[route]);
}
