import { describe, expect, it } from "vitest";

import { createLocalChangeFeed } from "./change-feed.js";
import { createUserCache, type UserCacheOptions } from "./user-cache.js";

/** A load whose answer the test releases: the interleavings run exactly as written. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setUp(options: Partial<UserCacheOptions<string | null>> = {}) {
  let isLive = true;
  let time = 0;
  const changes = createLocalChangeFeed(() => isLive);
  const cache = createUserCache<string | null>({ changes, now: () => time, maxAgeMs: 1_000, ...options });
  let loads = 0;
  /** A load that counts itself and answers `value`. */
  const answering = (value: string | null) => () => {
    loads++;
    return Promise.resolve(value);
  };
  return {
    cache,
    changes,
    answering,
    loads: () => loads,
    setLive(value: boolean) {
      isLive = value;
      if (!value) changes.notify(null);
    },
    advance(ms: number) {
      time += ms;
    },
  };
}

describe("createUserCache", () => {
  it("answers from memory after the first load", async () => {
    const t = setUp();
    expect(await t.cache.get("u1", "s1", t.answering("live"))).toBe("live");
    expect(await t.cache.get("u1", "s1", t.answering("other"))).toBe("live");
    expect(t.loads()).toBe(1);
  });

  it("keeps answers apart by user and by key", async () => {
    const t = setUp();
    await t.cache.get("u1", "s1", t.answering("u1 s1"));
    expect(await t.cache.get("u1", "s2", t.answering("u1 s2"))).toBe("u1 s2");
    expect(await t.cache.get("u2", "s1", t.answering("u2 s1"))).toBe("u2 s1");
  });

  it("a change to a user drops that user's answers only", async () => {
    const t = setUp();
    await t.cache.get("u1", "s1", t.answering("old"));
    await t.cache.get("u2", "s1", t.answering("kept"));
    t.changes.notify("u1");
    expect(await t.cache.get("u1", "s1", t.answering("new"))).toBe("new");
    expect(await t.cache.get("u2", "s1", t.answering("unused"))).toBe("kept");
  });

  it("'anything may have changed' drops every answer", async () => {
    const t = setUp();
    await t.cache.get("u1", "s1", t.answering("old"));
    await t.cache.get("u2", "s1", t.answering("old"));
    t.changes.notify(null);
    expect(await t.cache.get("u1", "s1", t.answering("new"))).toBe("new");
    expect(await t.cache.get("u2", "s1", t.answering("new"))).toBe("new");
  });

  it("an answer read before a change but delivered after it is returned once and never kept", async () => {
    // the registry said "live", then the revocation's message arrived, then the answer: kept, it
    // would make the revoked session live on this instance until the answer's age ran out
    const t = setUp();
    const read = deferred<string | null>();
    const inFlight = t.cache.get("u1", "s1", () => read.promise);
    t.changes.notify("u1");
    read.resolve("live");
    expect(await inFlight).toBe("live");
    expect(await t.cache.get("u1", "s1", t.answering("revoked"))).toBe("revoked");
  });

  it("a change to everyone also stops answers in flight from being kept", async () => {
    const t = setUp();
    const read = deferred<string | null>();
    const inFlight = t.cache.get("u1", "s1", () => read.promise);
    t.changes.notify(null);
    read.resolve("live");
    await inFlight;
    expect(await t.cache.get("u1", "s1", t.answering("revoked"))).toBe("revoked");
  });

  it("a change to another user does not stop an answer from being kept", async () => {
    const t = setUp();
    const read = deferred<string | null>();
    const inFlight = t.cache.get("u1", "s1", () => read.promise);
    t.changes.notify("u2");
    read.resolve("live");
    await inFlight;
    expect(await t.cache.get("u1", "s1", t.answering("unused"))).toBe("live");
  });

  it("concurrent misses share one load, but a call after a change does not join the stale one", async () => {
    const t = setUp();
    const stale = deferred<string | null>();
    let staleLoads = 0;
    const first = t.cache.get("u1", "s1", () => {
      staleLoads++;
      return stale.promise;
    });
    const joined = t.cache.get("u1", "s1", t.answering("unused"));
    t.changes.notify("u1");
    const afterChange = t.cache.get("u1", "s1", t.answering("revoked"));
    stale.resolve("live");
    expect([await first, await joined, await afterChange]).toEqual(["live", "live", "revoked"]);
    expect([staleLoads, t.loads()]).toEqual([1, 1]);
  });

  it("while the feed is not live, every call loads and nothing is kept", async () => {
    const t = setUp();
    await t.cache.get("u1", "s1", t.answering("before"));
    t.setLive(false);
    expect(await t.cache.get("u1", "s1", t.answering("down 1"))).toBe("down 1");
    expect(await t.cache.get("u1", "s1", t.answering("down 2"))).toBe("down 2");
    t.setLive(true);
    expect(await t.cache.get("u1", "s1", t.answering("after"))).toBe("after");
    expect(t.loads()).toBe(4);
  });

  it("an answer whose load ends after the feed went down is not kept", async () => {
    const t = setUp();
    const read = deferred<string | null>();
    const inFlight = t.cache.get("u1", "s1", () => read.promise);
    t.setLive(false);
    t.setLive(true);
    read.resolve("live");
    await inFlight;
    expect(await t.cache.get("u1", "s1", t.answering("fresh"))).toBe("fresh");
  });

  it("no answer is served once it is maxAgeMs old", async () => {
    const t = setUp({ maxAgeMs: 1_000 });
    await t.cache.get("u1", "s1", t.answering("first"));
    t.advance(999);
    expect(await t.cache.get("u1", "s1", t.answering("unused"))).toBe("first");
    t.advance(1);
    expect(await t.cache.get("u1", "s1", t.answering("second"))).toBe("second");
  });

  it("answers that `keep` refuses are not kept", async () => {
    const t = setUp({ keep: (value) => value !== null });
    expect(await t.cache.get("u1", "s1", t.answering(null))).toBeNull();
    expect(await t.cache.get("u1", "s1", t.answering("live"))).toBe("live");
    expect(t.loads()).toBe(2);
  });

  it("a failed load is not kept, reaches its callers, and the next call loads again", async () => {
    const t = setUp();
    const failure = new Error("registry down");
    await expect(t.cache.get("u1", "s1", () => Promise.reject(failure))).rejects.toBe(failure);
    const throwsAtOnce = () => {
      throw failure;
    };
    await expect(t.cache.get("u1", "s1", throwsAtOnce)).rejects.toBe(failure);
    expect(await t.cache.get("u1", "s1", t.answering("back"))).toBe("back");
  });

  it("keeps at most maxEntriesPerUser answers per user, dropping the oldest", async () => {
    const t = setUp({ maxEntriesPerUser: 2 });
    for (const key of ["s1", "s2", "s3"]) await t.cache.get("u1", key, t.answering(key));
    expect(await t.cache.get("u1", "s1", t.answering("reloaded"))).toBe("reloaded");
    expect(await t.cache.get("u1", "s3", t.answering("unused"))).toBe("s3");
  });

  it("keeps at most maxUsers users, dropping the least recently used", async () => {
    const t = setUp({ maxUsers: 2 });
    await t.cache.get("u1", "s", t.answering("u1"));
    await t.cache.get("u2", "s", t.answering("u2"));
    await t.cache.get("u1", "s", t.answering("unused")); // u1 used more recently than u2
    await t.cache.get("u3", "s", t.answering("u3"));
    expect(await t.cache.get("u1", "s", t.answering("unused"))).toBe("u1");
    expect(await t.cache.get("u2", "s", t.answering("u2 reloaded"))).toBe("u2 reloaded");
  });

  it("stops listening when closed", async () => {
    const t = setUp();
    await t.cache.get("u1", "s1", t.answering("kept"));
    t.cache.close();
    t.changes.notify("u1");
    expect(await t.cache.get("u1", "s1", t.answering("unused"))).toBe("kept");
  });
});
