// The README's "Testing procedures" example, word for word (readme.test.ts keeps them equal).
import { credentialsOf, useTestHarness } from "@platform/api/testing";
import { describe, expect, it } from "vitest";

// An API of this file's own: a database and a session registry no other file touches.
const h = useTestHarness();

describe("users.list", () => {
  it("lists every user for an admin", async () => {
    const admin = await h.createSignedInUser({ roles: ["admin", "user"] });
    const carol = await h.createUser({ name: "Carol" });

    const page = await h.caller(admin.token).users.list({ limit: 100 });

    expect(page.items.map((user) => user.email)).toEqual(expect.arrayContaining([admin.email, carol.email]));
  });

  it("is FORBIDDEN to a plain user, and UNAUTHORIZED without a session", async () => {
    const user = await h.createSignedInUser();

    await expect(h.caller(user.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.caller().users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses an access token once it has expired (the harness's clock, reset after each test)", async () => {
    const admin = await h.createSignedInUser({ roles: ["admin", "user"] });
    h.clock.advance(h.deps.config.accessTokenTtlSeconds * 1000 + 1);

    await expect(h.caller(admin.token).users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // signing in again works: the session lives on, only the access token expired
    const token = await h.signIn(admin.email, admin.password);
    await expect(h.caller(token).auth.me()).resolves.toMatchObject({ email: admin.email });
  });

  it("rejects bad input with BAD_REQUEST before the procedure runs", async () => {
    const user = await h.createUser();

    await expect(h.caller().auth.signIn({ ...credentialsOf(user), email: "not an email" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
