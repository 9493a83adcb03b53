// The users page's choice, on the API's real answers (a real API over HTTP, the client the app uses).
import { useTestServer } from "@platform/api/testing";
import { createClient, createMemoryTokenStore } from "@platform/client";
import { describe, expect, it } from "vitest";

import { userListView } from "./user-list-view.js";

const api = useTestServer();
const { h } = api;

const cachedPage = { items: [], nextCursor: null };

/** What users.list answers `user`: its error, or undefined. */
async function usersListErrorFor(user: { token: string }) {
  const client = createClient({ url: api.url, tokenStore: createMemoryTokenStore(user) });
  return client.users.list.query({ limit: 1 }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("userListView", () => {
  it("shows the forbidden screen on FORBIDDEN even over a cached list (a demoted admin's refetch)", async () => {
    const demoted = await h.createSignedInUser({ roles: ["user"] });
    const error = await usersListErrorFor(demoted);
    expect(error).toMatchObject({ data: { code: "FORBIDDEN" } });

    expect(userListView({ error, data: cachedPage })).toBe("forbidden");
    expect(userListView({ error, data: undefined })).toBe("forbidden");
  });

  it("keeps a cached list through any other failure, and shows the failure when nothing is cached", async () => {
    const unreachable = createClient({ url: "http://127.0.0.1:9/trpc" });
    const error = await unreachable.auth.me.query().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(Error);

    expect(userListView({ error, data: cachedPage })).toBe("list");
    expect(userListView({ error, data: undefined })).toBe("failed");
  });

  it("shows the list an admin is allowed", async () => {
    const admin = await h.createSignedInUser({ roles: ["admin", "user"] });
    expect(await usersListErrorFor(admin)).toBeUndefined();
    expect(userListView({ error: null, data: cachedPage })).toBe("list");
  });
});
