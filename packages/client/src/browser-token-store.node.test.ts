// The browser store outside a browser (SSR, Node): no document, no localStorage. It must not
// crash an app that creates it at module scope, and it must not share anything between the
// stores of one server process (requests of different people): a plain memory store each.
import { afterEach, describe, expect, it, vi } from "vitest";

import { createBrowserTokenStore } from "./index.js";

const ann = { token: "ann access", refreshToken: "ann refresh" };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("createBrowserTokenStore outside a browser", () => {
  it.each([true, false])("persist: %s is a memory store, with listeners", (persist) => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe("undefined");
    const store = createBrowserTokenStore({ persist });
    const heard: unknown[] = [];
    store.subscribe((session) => heard.push(session));
    store.set(ann);
    expect(store.get()).toEqual(ann);
    store.set(null);
    expect(heard).toEqual([ann, null]);
    store.close();
  });

  it("uses no localStorage nor BroadcastChannel of a runtime that has them without a document (Deno)", () => {
    // one request's sign-in or sign-out must not reach another request's store
    let channelsOpened = 0;
    vi.stubGlobal(
      "BroadcastChannel",
      class extends BroadcastChannel {
        constructor(name: string) {
          super(name);
          channelsOpened++;
        }
      },
    );
    const stored = new Map<string, string>();
    vi.stubGlobal("localStorage", {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => stored.set(key, value),
      removeItem: (key: string) => stored.delete(key),
    });
    vi.stubGlobal("addEventListener", () => undefined);
    vi.stubGlobal("removeEventListener", () => undefined);
    const [first, second] = [createBrowserTokenStore({ persist: true }), createBrowserTokenStore({ persist: false })];
    first.set(ann);
    second.set(ann);
    second.set(null);
    expect(stored.size).toBe(0);
    expect(channelsOpened).toBe(0);
    expect(first.get()).toEqual(ann);
  });
});
