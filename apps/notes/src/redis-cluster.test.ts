// Notes on a Redis Cluster (REDIS_CLUSTER_NODES, named as the identity names it; scripts/redis-cluster.sh
// starts one), beside a test identity whose registry is on the same cluster. Notes connects as
// production does (its configuration, openRedisTarget), under the specialist ACL user (set on every
// node: each keeps its own users), its seeds carrying that user's credentials.
// Required: a token fresh from a sign-in on the identity works on notes' first call; a sign-out on
// the identity is refused by notes within the bound (2 s, as in apps/api's redis-cluster.test.ts:
// the announcement reaches notes' change feed whichever node it subscribed on); openDeps opens the
// cluster from REDIS_CLUSTER_NODES, says so without the password, and close() closes it.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createSilentLogger } from "@platform/api/server-kit";
import { useTestServer } from "@platform/api/testing";
import { specialistAclRules } from "@platform/auth";
import { codeOf, createTestRedisCluster, redisClusterNodesForTests, type TestRedis } from "@platform/auth/testing";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { openDeps } from "./open-deps.js";
import { testNotesConfig, useNotesHarness } from "./test-support/index.js";

const nodes = redisClusterNodesForTests("the notes app's Redis Cluster tests");
const propagationBoundMs = 2_000;

describe.runIf(nodes)("notes on a Redis Cluster", () => {
  const aclUser = `notes-${randomUUID()}`;
  const aclPassword = randomUUID();
  /** REDIS_CLUSTER_NODES for notes: the same seeds, as URLs naming its ACL user. */
  const notesSeeds = (nodes ?? "")
    .split(",")
    .map((seed) => new URL(seed.includes("://") ? seed.trim() : `redis://${seed.trim()}`))
    .map((url) => Object.assign(url, { username: aclUser, password: aclPassword }).toString())
    .join(",");

  const identity = useTestServer({ REDIS_CLUSTER_NODES: nodes ?? "" });
  const { h } = identity;
  /** The administrator's connection: creates and deletes notes' user on every node. */
  let admin: TestRedis<Cluster>;
  beforeAll(async () => {
    const keyPrefix = h.registryKeyPrefix;
    if (!keyPrefix) throw new Error("the identity's registry must be on the cluster here");
    admin = await createTestRedisCluster(nodes);
    for (const node of admin.redis.nodes("all")) {
      await node.call("ACL", "SETUSER", aclUser, "on", `>${aclPassword}`, ...specialistAclRules(keyPrefix));
    }
  }, 60_000);
  afterAll(async () => {
    for (const node of admin.redis.nodes("all")) await node.call("ACL", "DELUSER", aclUser);
    await admin.cleanup();
  });
  const n = useNotesHarness(identity, () => ({ REDIS_CLUSTER_NODES: notesSeeds }));
  beforeAll(async () => {
    // subscribed, as it is long before the first call in production
    n.deps.registry.changes.subscribe(() => {});
    await vi.waitFor(
      () => {
        if (!n.deps.registry.changes.isLive()) throw new Error("notes' change feed is not live");
      },
      { timeout: 10_000 },
    );
  }, 15_000);

  it("reads the registry on the cluster as the configured ACL user", () => {
    expect(n.deps.config.redis).toEqual({ kind: "redis-cluster", nodes: notesSeeds.split(",") });
  });

  it("accepts a token fresh from a sign-in; refuses it within the bound once signed out on the identity", async () => {
    const alice = await h.createSignedInUser();
    const note = await n.caller(alice.token).notes.create({ text: "on the cluster" });
    expect(await n.caller(alice.token).notes.list()).toEqual([note]);
    await h.caller(alice.token).auth.signOut();
    await expect
      .poll(async () => codeOf(n.caller(alice.token).notes.list()), { timeout: propagationBoundMs, interval: 10 })
      .toBe("UNAUTHORIZED");
  });

  it("openDeps opens the cluster from REDIS_CLUSTER_NODES, says so without the password, and close() closes it", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "notes-cluster-"));
    try {
      const config = testNotesConfig({
        IDENTITY_URL: identity.url,
        REDIS_CLUSTER_NODES: notesSeeds,
        ...(n.database.kind === "server"
          ? { DATABASE_URL: n.database.url }
          : { NOTES_DATA_DIR: join(scratch, randomUUID()) }),
      });
      const opened = await openDeps(config, createSilentLogger());
      const shown = notesSeeds.replaceAll(aclPassword, "***");
      expect(opened.report).toContain(
        `session registry: Redis Cluster at ${shown} (shared with the identity; misses asked of ${identity.url})`,
      );
      expect(opened.report.join("\n")).not.toContain(aclPassword);
      await opened.deps.registry.ping();
      await opened.close();
      await expect(opened.deps.registry.ping()).rejects.toThrow();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
