// The behaviour every SessionRegistry must have. Each implementation's test file runs this suite
// unchanged, so the Redis and in-process registries cannot drift apart.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { expect, it } from "vitest";

import type { SessionRegistry } from "./session-registry.js";

const at = (version: number, roles: string[]) => ({ version, roles });

export function runSessionRegistryContract(getRegistry: () => SessionRegistry) {
  const newUser = () => `user_${randomUUID()}`;
  const newSession = (userId: string, lifetimeMs = 60_000) => ({
    sessionId: `session_${randomUUID()}`,
    userId,
    expiresAt: new Date(Date.now() + lifetimeMs),
  });

  it("knows nothing of a session it was never told about", async () => {
    expect(await getRegistry().lookup("session_unknown", newUser())).toEqual({ status: "unknown" });
  });

  it("a registered session is live with its user's roles", async () => {
    const registry = getRegistry();
    const session = newSession(newUser());
    await registry.register(session, at(0, ["user", "admin"]));
    expect(await registry.lookup(session.sessionId, session.userId)).toEqual({
      status: "live",
      roles: ["user", "admin"],
    });
  });

  it("a session is only found under its own user", async () => {
    const registry = getRegistry();
    const session = newSession(newUser());
    await registry.register(session, at(0, ["user"]));
    expect(await registry.lookup(session.sessionId, newUser())).toEqual({ status: "unknown" });
  });

  it("a session id under another registered user is neither live nor revoked, and that user cannot revoke it", async () => {
    // the other user has a session and roles of their own, so only the key's user id tells them apart
    const registry = getRegistry();
    const [owner, other] = [newSession(newUser()), newSession(newUser())];
    await registry.register(owner, at(0, ["user"]));
    await registry.register(other, at(0, ["admin"]));
    expect(await registry.lookup(owner.sessionId, other.userId)).toEqual({ status: "unknown" });
    await registry.revoke(other.userId, [{ sessionId: owner.sessionId, expiresAt: owner.expiresAt }]);
    expect(await registry.lookup(owner.sessionId, owner.userId)).toEqual({ status: "live", roles: ["user"] });
  });

  it("revoking one session leaves the user's other sessions live", async () => {
    const registry = getRegistry();
    const userId = newUser();
    const [first, second] = [newSession(userId), newSession(userId)];
    await registry.register(first, at(0, ["user"]));
    await registry.register(second, at(0, ["user"]));
    await registry.revoke(userId, [first]);
    expect(await registry.lookup(first.sessionId, userId)).toEqual({ status: "revoked" });
    expect(await registry.lookup(second.sessionId, userId)).toEqual({ status: "live", roles: ["user"] });
  });

  it("revokes all of a user's sessions at once", async () => {
    const registry = getRegistry();
    const userId = newUser();
    const sessions = [newSession(userId), newSession(userId), newSession(userId)];
    for (const session of sessions) await registry.register(session, at(0, ["user"]));
    await registry.revoke(userId, sessions);
    for (const { sessionId } of sessions)
      expect(await registry.lookup(sessionId, userId)).toEqual({ status: "revoked" });
  });

  it("registering never brings back a revoked session (a late sign-in write, or a fill after a miss)", async () => {
    const registry = getRegistry();
    const session = newSession(newUser());
    await registry.revoke(session.userId, [session]);
    await registry.register(session, at(0, ["user"]));
    expect(await registry.lookup(session.sessionId, session.userId)).toEqual({ status: "revoked" });
  });

  it("registering fills a miss but never overwrites newer roles", async () => {
    const registry = getRegistry();
    const session = newSession(newUser());
    await registry.register(session, at(0, ["user"]));
    expect(await registry.lookup(session.sessionId, session.userId)).toEqual({ status: "live", roles: ["user"] });
    await registry.setRoles(session.userId, at(1, ["user", "admin"]));
    await registry.register(session, at(0, ["user"]));
    expect(await registry.lookup(session.sessionId, session.userId)).toEqual({
      status: "live",
      roles: ["user", "admin"],
    });
  });

  it("a role change applies to every live session of the user", async () => {
    const registry = getRegistry();
    const userId = newUser();
    const [first, second] = [newSession(userId), newSession(userId)];
    await registry.register(first, at(0, ["user", "admin"]));
    await registry.register(second, at(0, ["user", "admin"]));
    await registry.setRoles(userId, at(1, ["user"]));
    expect(await registry.lookup(first.sessionId, userId)).toEqual({ status: "live", roles: ["user"] });
    expect(await registry.lookup(second.sessionId, userId)).toEqual({ status: "live", roles: ["user"] });
  });

  it("an older version of the roles never replaces a newer one, whatever order the writes arrive in", async () => {
    const registry = getRegistry();
    const userId = newUser();
    const [first, second] = [newSession(userId), newSession(userId)];
    await registry.register(first, at(1, ["user", "admin"]));
    await registry.setRoles(userId, at(2, ["user"])); // demoted
    await registry.register(second, at(1, ["user", "admin"])); // a sign-in that read the roles before the demotion
    await registry.setRoles(userId, at(1, ["user", "admin"])); // a late, stale write
    expect(await registry.lookup(second.sessionId, userId)).toEqual({ status: "live", roles: ["user"] });
    await registry.setRoles(userId, at(3, ["user", "support"]));
    expect(await registry.lookup(first.sessionId, userId)).toEqual({ status: "live", roles: ["user", "support"] });
  });

  it("a session is forgotten when it expires, and so is its revocation", async () => {
    const registry = getRegistry();
    const userId = newUser();
    const [expiring, revoked] = [newSession(userId, 150), newSession(userId, 150)];
    await registry.register(expiring, at(0, ["user"]));
    await registry.register(revoked, at(0, ["user"]));
    await registry.revoke(userId, [revoked]);
    await sleep(250);
    expect(await registry.lookup(expiring.sessionId, userId)).toEqual({ status: "unknown" });
    expect(await registry.lookup(revoked.sessionId, userId)).toEqual({ status: "unknown" });
  });

  it("ignores sessions that have already expired", async () => {
    const registry = getRegistry();
    const session = { ...newSession(newUser()), expiresAt: new Date(Date.now() - 1000) };
    await registry.register(session, at(0, ["user"]));
    await registry.revoke(session.userId, [session]);
    expect(await registry.lookup(session.sessionId, session.userId)).toEqual({ status: "unknown" });
  });

  it("answers a ping", async () => {
    await expect(getRegistry().ping()).resolves.toBeUndefined();
  });

  it("tells its own instance of every revoke and role change before the write resolves", async () => {
    // what the instance remembers of the registry is dropped on these (user-cache.ts); the
    // caller's next call may come before any message from elsewhere could
    const registry = getRegistry();
    const heard: Array<string | null> = [];
    const stop = registry.changes.subscribe((userId) => heard.push(userId));
    const session = newSession(newUser());
    await registry.register(session, at(0, ["user"]));
    await registry.revoke(session.userId, [session]);
    expect(heard).toContain(session.userId);
    const promoted = newUser();
    await registry.setRoles(promoted, at(1, ["admin"]));
    expect(heard).toContain(promoted);
    stop();
  });
}
