// The benchmark's share of PostgreSQL and Redis, leaving the developer's data alone:
//   PostgreSQL  a database of its own on DATABASE_URL's server, `<name>_bench` (dropped first if a
//               run that was killed left it behind), migrated here and dropped at the end; so
//               one benchmark at a time per server. The notes app's schema too (notes.ts).
//   Redis       the API has no key prefix setting, so at the end the benchmark deletes the keys
//               the API wrote for this run's users, emails and client IP (forgetApiKeys), nothing
//               else (notes reads the same keys, under the same default prefix, and writes
//               none). The emails and the IP are this run's own (a random id; the IP from the
//               198.18.0.0/15 benchmarking range, sent as X-Forwarded-For), so no developer's
//               sign-in budget is touched either.
import { randomBytes } from "node:crypto";

import { hashPassword } from "@platform/auth";
import { forgetApiKeys } from "@platform/auth/testing";
import { applyMigrations, createDatabase, createPrismaClient, databaseNameOf, dropDatabase } from "@platform/db";
import { Redis } from "ioredis";

import { seedAdmin } from "../src/seed-admin.js";
import { migrateNotes } from "./notes.js";

/** Users besides the others, so that `users.list` has a full page of 20 to return. */
const listedUsers = 20;

export interface Account {
  id: string;
  email: string;
  password: string;
}

export interface BenchServices {
  databaseUrl: string;
  /** The client IP every request of the run claims (X-Forwarded-For). */
  clientIp: string;
  /** Role admin (users.list). */
  admin: Account;
  /** A plain user (auth.me). */
  member: Account;
  /**
   * Sign in under load (auth.signIn), one per connection: concurrent sign-ins of one account queue
   * on its row lock (sessions are created one at a time per user), which is not what 50 clients do.
   */
  signers: Account[];
  /** Deletes this run's Redis keys and drops the database. */
  cleanUp: () => Promise<{ redisKeysDeleted: number }>;
}

/** `postgres://host/app` -> `postgres://host/app_bench`. */
export function benchDatabaseUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseNameOf(serverUrl) || "postgres"}_bench`;
  url.search = ""; // a ?schema= of the developer's names a schema of theirs
  return url.toString();
}

export async function openBenchServices(
  serverUrl: string,
  redisUrl: string,
  signerCount: number,
): Promise<BenchServices> {
  const databaseUrl = benchDatabaseUrl(serverUrl);
  await dropDatabase(databaseUrl);
  await createDatabase(databaseUrl);
  const runId = randomBytes(4).toString("hex");
  const clientIp = `198.18.${randomBytes(1)[0] ?? 0}.${randomBytes(1)[0] ?? 1}`;
  const password = `bench passphrase ${runId} ${randomBytes(8).toString("hex")}`;
  const emailOf = (who: string) => `bench-${runId}-${who}@example.com`;
  const prisma = createPrismaClient({ url: databaseUrl, poolMax: 1 });
  try {
    await applyMigrations(databaseUrl);
    migrateNotes(databaseUrl);
    const passwordHash = await hashPassword(password);
    const createUser = async (who: string): Promise<Account> => {
      const email = emailOf(who);
      const { id } = await prisma.user.create({
        data: { email, name: `Bench ${who}`, passwordHash },
        select: { id: true },
      });
      return { id, email, password };
    };
    const admin = { email: emailOf("admin"), password };
    const { id: adminId } = await seedAdmin(prisma, admin);
    const member = await createUser("member");
    const signers: Account[] = [];
    for (let i = 0; i < signerCount; i++) signers.push(await createUser(`signer-${i}`));
    const listed: Account[] = [];
    for (let i = 0; i < listedUsers; i++) listed.push(await createUser(`listed-${i}`));
    const accounts = [{ id: adminId, ...admin }, member, ...signers, ...listed];

    return {
      databaseUrl,
      clientIp,
      admin: { id: adminId, ...admin },
      member,
      signers,
      async cleanUp() {
        const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
        try {
          const redisKeysDeleted = await forgetApiKeys(redis, {
            userIds: accounts.map((account) => account.id),
            emails: accounts.map((account) => account.email),
            ips: [clientIp],
          });
          return { redisKeysDeleted };
        } finally {
          await redis.quit();
          await dropDatabase(databaseUrl);
        }
      },
    };
  } catch (error) {
    await dropDatabase(databaseUrl);
    throw error;
  } finally {
    await prisma.$disconnect();
  }
}
