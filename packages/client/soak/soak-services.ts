// The soak's share of PostgreSQL and Redis: a database of its own on DATABASE_URL's server
// (created and migrated here, dropped at the end), and what it needs to watch the API's use of
// both. The API's Redis keys cannot have a prefix of their own (the entry point has no setting for
// one), so at the end the soak deletes the keys of its users, emails and IPs (forgetApiKeys).
import { randomBytes } from "node:crypto";

import { type ApiKeyOwners, forgetApiKeys } from "@platform/auth/testing";
import { applyMigrations, createDatabase, createPrismaClient, dropDatabase, type PrismaClient } from "@platform/db";
import { Redis } from "ioredis";

import { localTcpPortsOf } from "./process-stats.js";

export interface SoakServices {
  /** The soak's own database. */
  databaseUrl: string;
  databaseName: string;
  /** One connection to the soak's database (for setup and checks; never counted as the API's). */
  prisma: PrismaClient;
  /** Connections to the soak's database other than the soak's own: the API's. */
  postgresConnections: () => Promise<number>;
  /** Redis clients whose address is a socket of process `pid`. */
  redisClientsOf: (pid: number) => Promise<number>;
  /** Deletes the API's keys for `owners`, drops the database, closes the connections. */
  cleanUp: (owners: ApiKeyOwners) => Promise<{ redisKeysDeleted: number }>;
}

export async function openSoakServices(serverUrl: string, redisUrl: string): Promise<SoakServices> {
  const databaseName = `soak_${randomBytes(8).toString("hex")}`;
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  await createDatabase(databaseUrl);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let prisma: PrismaClient | undefined;
  try {
    await applyMigrations(databaseUrl);
    prisma = createPrismaClient({ url: databaseUrl, poolMax: 1 });
    await redis.connect();
  } catch (error) {
    await prisma?.$disconnect();
    redis.disconnect();
    await dropDatabase(databaseUrl);
    throw error;
  }
  const db = prisma;

  return {
    databaseUrl,
    databaseName,
    prisma: db,
    async postgresConnections() {
      const [row] = await db.$queryRaw<{ count: bigint }[]>`
        SELECT count(*) AS count FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`;
      return Number(row?.count ?? 0);
    },
    async redisClientsOf(pid) {
      const ports = localTcpPortsOf(pid);
      const list = await redis.call("CLIENT", "LIST");
      return String(list)
        .split("\n")
        .filter((line) => {
          const port = / addr=\S*:(\d+) /.exec(` ${line}`)?.[1];
          return port !== undefined && ports.has(Number(port));
        }).length;
    },
    async cleanUp(owners) {
      const redisKeysDeleted = await forgetApiKeys(redis, owners);
      await db.$disconnect();
      await redis.quit();
      await dropDatabase(databaseUrl);
      return { redisKeysDeleted };
    },
  };
}
