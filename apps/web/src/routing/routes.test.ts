import { describe, expect, it } from "vitest";

import { pageFor, routeOf, routes } from "./routes.js";

describe("routes", () => {
  it("reads a route from the hash, and nothing from an unknown one", () => {
    expect(routeOf(routes.users)).toBe("users");
    expect(routeOf("#/nowhere")).toBeUndefined();
    expect(routeOf("")).toBeUndefined();
  });

  it("shows only the sign-in and sign-up pages to a visitor who is signed out", () => {
    expect(pageFor(false, "users")).toBe("signIn");
    expect(pageFor(false, "account")).toBe("signIn");
    expect(pageFor(false, "signUp")).toBe("signUp");
    expect(pageFor(false, undefined)).toBe("signIn");
  });

  it("shows the account and users pages once signed in, the account page for anything else", () => {
    expect(pageFor(true, "users")).toBe("users");
    expect(pageFor(true, "signIn")).toBe("account");
    expect(pageFor(true, "signUp")).toBe("account");
    expect(pageFor(true, undefined)).toBe("account");
  });
});
