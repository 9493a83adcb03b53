// The change feed on a real Redis: what one instance writes, another hears; a subscription that
// breaks says so at once, and the feed is live again only once it is subscribed again.
import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { changeChannel } from "./redis-keys.js";
import { createRedisSessionRegistry } from "./redis-session-registry.js";
import type { SessionRegistry } from "./session-registry.js";
import { createTestRedis, type TestRedis } from "./testing.js";

const hasRedis = Boolean(process.env.REDIS_URL);

describe.runIf(hasRedis)("Redis change feed", () => {
  let testRedis: TestRedis;
  let writer: SessionRegistry;
  let reader: SessionRegistry;
  beforeAll(async () => {
    testRedis = await createTestRedis();
    writer = testRedis.createRegistry();
    reader = testRedis.createRegistry();
  });
  afterAll(() => testRedis.cleanup());

  const newUser = () => `user_${randomUUID()}`;
  const session = () => ({ sessionId: `session_${randomUUID()}`, expiresAt: new Date(Date.now() + 60_000) });

  /** Everything `registry`'s feed says from now on. */
  function listen(registry: SessionRegistry) {
    const heard: Array<string | null> = [];
    const stop = registry.changes.subscribe((userId) => heard.push(userId));
    return { heard, stop };
  }

  async function killSubscribers() {
    const clients = (await testRedis.redis.call("CLIENT", "LIST", "TYPE", "pubsub")) as string;
    const ours = clients.split("\n").filter((line) => line.includes(` name=${changeChannel(testRedis.keyPrefix)} `));
    for (const line of ours) await testRedis.redis.call("CLIENT", "KILL", "ID", /\bid=(\d+)/.exec(line)?.[1] ?? "");
    return ours.length;
  }

  it("is live only once subscribed, and another instance hears every revoke and role change", async () => {
    const { heard, stop } = listen(reader);
    await expect.poll(() => reader.changes.isLive()).toBe(true);
    const [revoked, promoted] = [newUser(), newUser()];
    await writer.revoke(revoked, [session()]);
    await writer.setRoles(promoted, { roles: ["admin"], version: 1 });
    await expect.poll(() => heard).toEqual(expect.arrayContaining([revoked, promoted]));
    stop();
  });

  it("when its connection is killed it says anything may have changed, and is live again once resubscribed", async () => {
    const { heard, stop } = listen(reader);
    await expect.poll(() => reader.changes.isLive()).toBe(true);
    expect(await killSubscribers()).toBeGreaterThan(0);
    await expect.poll(() => heard).toContain(null);
    await expect.poll(() => reader.changes.isLive()).toBe(true);
    const user = newUser();
    await writer.revoke(user, [session()]);
    await expect.poll(() => heard).toContain(user);
    stop();
  });

  it("tells its own instance of a write that failed, as of one that landed", async () => {
    const redis = new Redis(process.env.REDIS_URL ?? "", { lazyConnect: true, enableOfflineQueue: false });
    await redis.connect();
    const registry = createRedisSessionRegistry({ redis, keyPrefix: testRedis.keyPrefix });
    const { heard, stop } = listen(registry);
    const [landed, failed] = [newUser(), newUser()];
    await registry.revoke(landed, [session()]);
    expect(heard).toContain(landed); // before the write resolved, not later over pub/sub
    redis.disconnect();
    await expect(registry.setRoles(failed, { roles: ["user"], version: 1 })).rejects.toThrow();
    expect(heard).toContain(failed);
    stop();
    await registry.close();
  });
});
