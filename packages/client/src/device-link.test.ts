// The client as a known device, against a listening server: what a stranger spending the
// account's sign-in budget can and cannot do to it. The server's back-off blocks for a minute, so
// no busy machine outlasts a block mid-test.
import { credentialsOf, useTestServer } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { describe, expect, it } from "vitest";

import { createClient, createMemoryDeviceTokenStore } from "./index.js";

const api = useTestServer({}, { signInPolicy: { baseDelayMs: 60_000 } });
const { h } = api;

/** Wrong passwords from a client of a stranger's until the account's budget is spent. */
async function spendAccountBudget(email: string) {
  const stranger = createClient({ url: api.url });
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = await codeOf(stranger.auth.signIn.mutate({ email, password: "not the password" }));
    if (code === "TOO_MANY_REQUESTS") return;
  }
  throw new Error(`20 wrong passwords for ${email} were never refused with TOO_MANY_REQUESTS`);
}

describe("device tokens", () => {
  it("a client that signed in before still signs in while strangers keep the account blocked", async () => {
    const owner = await h.createUser();
    const deviceTokenStore = createMemoryDeviceTokenStore();
    const known = createClient({ url: api.url, deviceTokenStore });
    await known.auth.signIn.mutate(credentialsOf(owner));
    await known.auth.signOut.mutate(); // a sign-out does not make the device a stranger

    await spendAccountBudget(owner.email);
    // a client without the token is locked out with the strangers, right password or not
    expect(await codeOf(createClient({ url: api.url }).auth.signIn.mutate(credentialsOf(owner)))).toBe(
      "TOO_MANY_REQUESTS",
    );
    // the known one is not, however the email is typed
    const again = { email: ` ${owner.email.toUpperCase()}`, password: owner.password };
    await expect(known.auth.signIn.mutate(again)).resolves.toMatchObject({ user: { id: owner.id } });
  });

  it("a sign-up makes the client a known device of the new account, and of that account only", async () => {
    const deviceTokenStore = createMemoryDeviceTokenStore();
    const client = createClient({ url: api.url, deviceTokenStore });
    const newcomer = {
      email: `newcomer-${crypto.randomUUID()}@example.com`,
      name: "Newcomer",
      password: "a new passphrase",
    };
    await client.auth.signUp.mutate(newcomer);
    await client.auth.signOut.mutate();
    const other = await h.createUser();

    await spendAccountBudget(newcomer.email);
    await spendAccountBudget(other.email);
    await expect(client.auth.signIn.mutate(credentialsOf(newcomer))).resolves.toMatchObject({
      user: { email: newcomer.email },
    });
    expect(await codeOf(client.auth.signIn.mutate(credentialsOf(other)))).toBe("TOO_MANY_REQUESTS");
  });
});
