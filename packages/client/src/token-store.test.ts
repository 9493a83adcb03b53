import { describe, expect, it, vi } from "vitest";

import { createMemoryTokenStore } from "./token-store.js";

describe("createMemoryTokenStore", () => {
  const session = { token: "access", refreshToken: "refresh" };

  it("starts empty, or with the session it is given", () => {
    expect(createMemoryTokenStore().get()).toBeNull();
    expect(createMemoryTokenStore(session).get()).toEqual(session);
  });

  it("keeps what was set last, and forgets on null", () => {
    const store = createMemoryTokenStore();
    store.set(session);
    expect(store.get()).toEqual(session);
    const renewed = { token: "access 2", refreshToken: "refresh 2" };
    store.set(renewed);
    expect(store.get()).toEqual(renewed);
    store.set(null);
    expect(store.get()).toBeNull();
  });

  it("keeps each store's session apart", () => {
    const [first, second] = [createMemoryTokenStore(), createMemoryTokenStore()];
    first.set(session);
    expect(second.get()).toBeNull();
  });
});

describe("createMemoryTokenStore's listeners", () => {
  const session = { token: "access", refreshToken: "refresh" };

  it("hear every change, sign-out included, until they unsubscribe", () => {
    const store = createMemoryTokenStore();
    const heard: unknown[] = [];
    const unsubscribe = store.subscribe?.((next) => heard.push(next));
    store.set(session);
    store.set(null);
    unsubscribe?.();
    store.set(session);
    expect(heard).toEqual([session, null]);
  });

  it("are not called when nothing changed (the same session set again, null on null)", () => {
    const store = createMemoryTokenStore(session);
    let calls = 0;
    store.subscribe?.(() => calls++);
    store.set(session);
    store.set(null);
    store.set(null);
    expect(calls).toBe(1);
  });

  it("one listener that throws neither stops the others nor fails set; its error is reported apart", () => {
    const reported: (() => void)[] = [];
    vi.stubGlobal("queueMicrotask", (task: () => void) => reported.push(task));
    try {
      const store = createMemoryTokenStore();
      const heard: unknown[] = [];
      store.subscribe?.(() => {
        throw new Error("a broken listener");
      });
      store.subscribe?.((next) => heard.push(next));
      expect(() => {
        store.set(session);
      }).not.toThrow();
      expect(store.get()).toEqual(session);
      expect(heard).toEqual([session]);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toThrow("a broken listener");
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("the same function subscribed twice is two subscriptions, each ended by its own unsubscribe", () => {
    const store = createMemoryTokenStore();
    let calls = 0;
    const listener = () => calls++;
    const first = store.subscribe?.(listener);
    store.subscribe?.(listener);
    first?.();
    store.set(session);
    expect(calls).toBe(1);
  });
});
