import { verifyPassword } from "@platform/auth";
import { describe, expect, it } from "vitest";

import { adminSeedProblem, seedAdmin } from "./seed-admin.js";
import { testConfig, uniqueEmail } from "./test-support/harness.js";
import { useTestHarness } from "./test-support/hooks.js";
import { anyString } from "./test-support/matchers.js";

const h = useTestHarness();

describe("seedAdmin", () => {
  it("the seed's scenario: admin signs in and lists users; no token is UNAUTHORIZED; a plain user is FORBIDDEN; signed out is UNAUTHORIZED", async () => {
    const admin = { email: uniqueEmail("admin"), password: "correct-horse-battery-staple" };
    await seedAdmin(h.deps.prisma, admin);
    const alice = await h.createSignedInUser();
    const adminToken = await h.signIn(admin.email, admin.password);
    const { items } = await h.caller(adminToken).users.list();
    expect(items.map((u) => u.email)).toEqual(expect.arrayContaining([admin.email, alice.email]));

    await expect(h.caller().users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(alice.token).users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });

    await expect(h.caller(adminToken).auth.signOut()).resolves.toEqual({ success: true });
    await expect(h.caller(adminToken).users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.caller(adminToken).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("creates the admin once, with the roles admin and user; a second run leaves the account as it is", async () => {
    const email = uniqueEmail("admin");
    const first = await seedAdmin(h.deps.prisma, { email, password: "first passphrase" });
    expect(first).toEqual({ created: true, id: anyString() });
    const second = await seedAdmin(h.deps.prisma, { email, password: "second passphrase" });
    expect(second).toEqual({ created: false, id: first.id });
    const stored = await h.deps.prisma.user.findUniqueOrThrow({ where: { id: first.id } });
    expect(stored.roles).toEqual(["admin", "user"]);
    expect(await verifyPassword(stored.passwordHash, "first passphrase")).toBe(true);
  });
});

describe("adminSeedProblem", () => {
  it("refuses the default password in production only; a password of the operator's is fine everywhere", () => {
    const admin = (env: Record<string, string>) => testConfig(env).admin;
    expect(adminSeedProblem({ env: "production", admin: admin({}) })).toMatch(/^ADMIN_PASSWORD is not set/);
    expect(adminSeedProblem({ env: "development", admin: admin({}) })).toBeUndefined();
    const own = admin({ ADMIN_PASSWORD: "an operator's passphrase" });
    expect(own.isDefaultPassword).toBe(false);
    expect(adminSeedProblem({ env: "production", admin: own })).toBeUndefined();
  });
});
