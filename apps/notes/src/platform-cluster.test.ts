// The whole platform (two identity processes and notes) on a Redis Cluster of the test's own
// (three masters on free ports), so that the test can crash and restart it: every node shut down
// without saving, then started again (they rejoin with their slots, and no data). The scenario is
// test-support/platform-scenario.ts.
import { specialistAclRules } from "@platform/auth";
import { startPrivateRedisCluster } from "@platform/auth/testing";
import { Redis } from "ioredis";

import { describePlatform, notesRedisUser } from "./test-support/platform-scenario.js";

const { name, password } = notesRedisUser;

/** The notes user on every node (an ACL is per node; an operator's configuration keeps it there). */
async function createNotesUser(ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    const node = new Redis({ host: "127.0.0.1", port, lazyConnect: true });
    await node.connect();
    await node.call("ACL", "SETUSER", name, "on", `>${password}`, ...specialistAclRules());
    node.disconnect();
  }
}

describePlatform("a Redis Cluster", async () => {
  const cluster = await startPrivateRedisCluster();
  await createNotesUser(cluster.ports);
  const asNotes = cluster.ports.map((port) => `redis://${name}:${password}@127.0.0.1:${port}`).join(",");
  return {
    identityEnv: { REDIS_CLUSTER_NODES: cluster.nodes },
    notesEnv: { REDIS_CLUSTER_NODES: asNotes },
    crash: () => cluster.shutdown(),
    async restart() {
      await cluster.restart();
      await createNotesUser(cluster.ports);
    },
    close: () => cluster.stop(),
  };
});
