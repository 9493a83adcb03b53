// @vitest-environment happy-dom
// The browser store in a DOM (happy-dom's window and localStorage; Node's real BroadcastChannel).
// Two tabs are two stores of the same key: they share localStorage, and what a browser does for
// the other tab, fire a `storage` event at its window, the test does by hand (a browser never
// fires it in the tab that wrote). Over BroadcastChannel two stores talk as two tabs would.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import type { Window as HappyDomWindow } from "happy-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { type BrowserTokenStore, createBrowserTokenStore, type StoredSession } from "./index.js";

/** The DOM the happy-dom environment installs (this package's own types have no DOM lib). */
const { localStorage, StorageEvent } = globalThis as unknown as HappyDomWindow;
const dispatchEvent = (event: InstanceType<typeof StorageEvent>) =>
  (globalThis as unknown as HappyDomWindow).dispatchEvent(event);

const ann = { token: "ann access", refreshToken: "ann refresh" };
const bob = { token: "bob access", refreshToken: "bob refresh" };

const opened: BrowserTokenStore[] = [];
/** A store of this key, in a tab of its own; closed after the test. */
function tab(key: string, persist: boolean) {
  const store = createBrowserTokenStore({ key, persist });
  opened.push(store);
  const heard: (StoredSession | null)[] = [];
  store.subscribe((session) => heard.push(session));
  return { store, heard };
}
/** What the browser does in every other tab after one tab changed localStorage. */
const storageEventInOtherTabs = (key: string | null) => {
  // key null (another tab's clear()) is said by leaving it out in happy-dom's typing
  dispatchEvent(new StorageEvent("storage", { ...(key === null ? {} : { key }), storageArea: localStorage }));
};

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("createBrowserTokenStore({ persist: true }): localStorage", () => {
  it("keeps the session under its key, so that a reload (a new store) finds it; sign-out removes it", () => {
    const key = randomUUID();
    const before = tab(key, true);
    before.store.set(ann);
    expect(JSON.parse(localStorage.getItem(key) ?? "null")).toEqual(ann);
    expect(tab(key, true).store.get()).toEqual(ann);
    before.store.set(null);
    expect(localStorage.getItem(key)).toBeNull();
    expect(tab(key, true).store.get()).toBeNull();
  });

  it("stores the tokens and nothing else given to set", () => {
    const key = randomUUID();
    tab(key, true).store.set({ ...ann, user: { email: "ann@example.com" } } as StoredSession);
    expect(JSON.parse(localStorage.getItem(key) ?? "null")).toStrictEqual(ann);
  });

  it("get() returns the same object until the session changes (what useSyncExternalStore needs)", () => {
    const { store } = tab(randomUUID(), true);
    store.set(ann);
    const first = store.get();
    expect(store.get()).toBe(first);
    store.set(bob);
    expect(store.get()).not.toBe(first);
    expect(store.get()).toEqual(bob);
  });

  it("a sign-in and a sign-out in one tab reach the other tab's store and listeners, once each", () => {
    const key = randomUUID();
    const [first, second] = [tab(key, true), tab(key, true)];
    first.store.set(ann);
    storageEventInOtherTabs(key);
    first.store.set(null);
    storageEventInOtherTabs(key);
    expect(second.store.get()).toBeNull();
    expect(second.heard).toEqual([ann, null]);
    // the writing tab heard its own changes once (the event a browser would not even send it changes nothing)
    expect(first.heard).toEqual([ann, null]);
  });

  it("another tab clearing the whole storage (key null) is a sign-out here", () => {
    const key = randomUUID();
    const { store, heard } = tab(key, true);
    store.set(ann);
    localStorage.clear();
    storageEventInOtherTabs(null);
    expect(heard).toEqual([ann, null]);
  });

  it("a value that is not a session (not JSON, wrong fields) reads as none", () => {
    const key = randomUUID();
    const { store } = tab(key, true);
    for (const text of [
      "not json",
      "null",
      JSON.stringify({ token: 1 }),
      JSON.stringify({ token: "t", refreshToken: 2 }),
    ]) {
      localStorage.setItem(key, text);
      expect(store.get()).toBeNull();
    }
    localStorage.setItem(key, JSON.stringify({ token: "t" })); // cookie mode's: no refresh token
    expect(store.get()).toEqual({ token: "t" });
  });

  it("after close() other tabs' changes no longer reach its listeners", () => {
    const key = randomUUID();
    const [first, second] = [tab(key, true), tab(key, true)];
    second.store.close();
    first.store.set(ann);
    storageEventInOtherTabs(key);
    expect(second.heard).toEqual([]);
  });

  it.each([
    ["has no localStorage", () => undefined],
    [
      "throws SecurityError on access (storage disabled)",
      () => {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    ],
  ])("when the browser %s it keeps the session in this tab's memory instead of failing", (_, localStorage) => {
    const real = Object.getOwnPropertyDescriptor(globalThis, "localStorage");
    Object.defineProperty(globalThis, "localStorage", { get: localStorage, configurable: true });
    try {
      const { store, heard } = tab(randomUUID(), true);
      store.set(ann);
      expect(store.get()).toEqual(ann);
      expect(heard).toEqual([ann]);
    } finally {
      if (real) Object.defineProperty(globalThis, "localStorage", real);
    }
  });
});

describe("createBrowserTokenStore({ persist: false }): this tab's memory", () => {
  /** Waits until `condition` holds: BroadcastChannel delivers on a later turn of the event loop. */
  const eventually = (condition: () => void) => vi.waitFor(condition, { timeout: 2_000, interval: 5 });

  it("keeps the session out of localStorage and out of the other tabs", async () => {
    const key = randomUUID();
    const [first, second, third] = [tab(key, false), tab(key, false), tab(key, false)];
    second.store.set(bob);
    first.store.set(ann); // a sign-in here is no sign-out there
    expect(first.store.get()).toEqual(ann);
    expect(localStorage.length).toBe(0);
    await sleep(50);
    expect(second.store.get()).toEqual(bob);
    expect(third.store.get()).toBeNull();
  });

  it("a sign-out in one tab signs out every tab of the key; their listeners hear only that", async () => {
    const key = randomUUID();
    const [first, second, third] = [tab(key, false), tab(key, false), tab(key, false)];
    const otherApp = tab(randomUUID(), false);
    second.store.set(bob);
    otherApp.store.set(bob);
    first.store.set(ann); // a new session is each tab's own: not sent
    first.store.set(null);
    await eventually(() => {
      expect(second.store.get()).toBeNull();
    });
    expect(second.heard).toEqual([bob, null]);
    expect(third.heard).toEqual([]); // it had no session: nothing changed
    expect(first.heard).toEqual([ann, null]);
    await sleep(50);
    expect(otherApp.store.get()).toEqual(bob);
  });

  it("after close() it no longer hears other tabs' sign-outs, and its own set still works", async () => {
    const key = randomUUID();
    const [first, closed, witness] = [tab(key, false), tab(key, false), tab(key, false)];
    closed.store.set(bob);
    witness.store.set(bob);
    closed.store.close();
    first.store.set(ann);
    first.store.set(null);
    await eventually(() => {
      expect(witness.store.get()).toBeNull();
    });
    await sleep(50);
    expect(closed.store.get()).toEqual(bob);
    expect(() => {
      closed.store.set(null);
    }).not.toThrow();
    expect(closed.heard).toEqual([bob, null]);
  });
});
