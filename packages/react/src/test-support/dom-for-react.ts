// A DOM for React in tests whose API server runs in the same process (useTestServer). Vitest's
// happy-dom environment would replace Node's URL, fetch, Request, AbortController... with the
// DOM's, and the server breaks on them; so the tests run in Node and only what Node lacks
// (document, window, the element and event classes) comes from a happy-dom window.
import { Window } from "happy-dom";

const window = new Window({ url: "http://localhost:5173" });
const globals = globalThis as unknown as Record<string, unknown>;
const properties = window as unknown as Record<string, unknown>;

for (const name of Object.getOwnPropertyNames(window)) {
  if (name in globalThis) continue;
  const value = properties[name];
  // functions such as getComputedStyle are called without a receiver: bind them; classes stay
  globals[name] = typeof value === "function" && !/^[A-Z]/.test(name) ? value.bind(window) : value;
}
globals.window = window;
