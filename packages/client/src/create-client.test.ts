// The real client against a listening server over HTTP: what a React or Node app does.
import { credentialsOf, useTestServer } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { describe, expect, it } from "vitest";

import { maxBatchSize } from "./create-client.js";
import { createClient, createMemoryTokenStore, type RouterOutputs, TRPCClientError } from "./index.js";

const api = useTestServer();
const { h } = api;
const createAdmin = () => h.createUser({ roles: ["admin", "user"] });

describe("createClient over HTTP", () => {
  it("signs in, keeps the token, lists users as admin, and forgets the token on sign-out", async () => {
    const [admin, carol] = [await createAdmin(), await h.createUser()];
    const tokenStore = createMemoryTokenStore();
    const client = createClient({ url: api.url, tokenStore });
    expect(await codeOf(client.auth.me.query())).toBe("UNAUTHORIZED");

    const { user } = await client.auth.signIn.mutate(credentialsOf(admin));
    expect(user.roles).toContain("admin");
    const session = tokenStore.get();
    expect(session?.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const me = await client.auth.me.query();
    expect(me.email).toBe(admin.email);
    expect(me.createdAt).toBeInstanceOf(Date); // superjson keeps dates

    const page: RouterOutputs["users"]["list"] = await client.users.list.query();
    expect(page.items.map((u) => u.email)).toEqual(expect.arrayContaining([admin.email, carol.email]));

    await client.auth.signOut.mutate();
    expect(tokenStore.get()).toBeNull();
    // the old tokens are dead everywhere, not just forgotten by this client
    const stale = createClient({ url: api.url, tokenStore: createMemoryTokenStore(session) });
    expect(await codeOf(stale.auth.me.query())).toBe("UNAUTHORIZED");
  });

  it("a plain user is FORBIDDEN on users.list; bad credentials are UNAUTHORIZED 'invalid credentials'", async () => {
    const carol = await h.createUser();
    const client = createClient({ url: api.url });
    await client.auth.signIn.mutate(credentialsOf(carol));
    expect(await codeOf(client.users.list.query())).toBe("FORBIDDEN");

    const error = await client.auth.signIn
      .mutate({ email: carol.email, password: "wrong-password" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).message).toBe("invalid credentials");
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
  });

  it("bad input is BAD_REQUEST with a message a person can read", async () => {
    const client = createClient({ url: api.url });
    const error = await client.auth.signIn
      .mutate({ email: "no-at-sign", password: "long-enough-pw" })
      .catch((e: unknown) => e);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as TRPCClientError<never>).message).toMatch(/valid email/);
  });

  it("batches many calls, at most maxBatchSize per request (what the server accepts)", async () => {
    const admin = await createAdmin();
    const others = [await h.createUser(), await h.createUser()];
    const batchSizes: number[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      const { pathname, searchParams } = new URL(input instanceof Request ? input.url : input);
      if (searchParams.get("batch") === "1") batchSizes.push(pathname.split("/").pop()?.split(",").length ?? 0);
      return fetch(input, init);
    };
    const client = createClient({ url: api.url, fetch: countingFetch });
    await client.auth.signIn.mutate(credentialsOf(admin));
    const userIds = [admin, ...others].map((user) => user.id);
    const ids = Array.from({ length: 14 }, () => userIds)
      .flat()
      .slice(0, 40);
    batchSizes.length = 0;
    const users = await Promise.all(ids.map((id) => client.users.findById.query(id)));
    expect(users.map((u) => u.id)).toEqual(ids);
    expect(batchSizes).toEqual(Array.from({ length: 40 / maxBatchSize }, () => maxBatchSize));
  });
});
