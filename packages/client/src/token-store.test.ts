import { describe, expect, it } from "vitest";

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
