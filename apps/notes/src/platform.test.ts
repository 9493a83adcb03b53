// The whole platform (two identity processes and notes) on one Redis of the test's own, so that
// the test can crash and restart it; the scenario is test-support/platform-scenario.ts.
import { startPrivateRedis } from "@platform/api/testing";
import { specialistAclRules } from "@platform/auth";

import { describePlatform, notesRedisUser } from "./test-support/platform-scenario.js";

const { name, password } = notesRedisUser;
// the notes user on the server's command line: a restarted server has it again
const args = ["--user", name, "on", `>${password}`, ...specialistAclRules()];

describePlatform("one Redis", async () => {
  let redis = await startPrivateRedis({ args });
  const asNotes = new URL(redis.url);
  asNotes.username = name;
  asNotes.password = password;
  return {
    identityEnv: { REDIS_URL: redis.url },
    notesEnv: { REDIS_URL: asNotes.toString() },
    crash: () => redis.stop(),
    async restart() {
      redis = await startPrivateRedis({ port: redis.port, args });
    },
    close: () => redis.stop(),
  };
});
