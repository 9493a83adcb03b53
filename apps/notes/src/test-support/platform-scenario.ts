// The whole platform as it runs in production: two identity processes (A and B) and one notes
// process, on one PostgreSQL database and one Redis, every token EdDSA-signed, notes verifying
// with the identity's JWKS and reading the registry as the specialist ACL user (it cannot write).
// Each process is the real entry point (src/main.ts), started as a child process.
//
// Required, as an operator would see it from outside:
//   - a token from a sign-in on A works on B and on notes;
//   - a sign-out on B is refused by A and by notes, a demotion on A makes notes' admin procedure
//     FORBIDDEN, and a password change on A ends the user's other sessions on notes, each within
//     the change feed's bound (stated 50 ms p99 in the README, measured by `pnpm bench`; asserted
//     here as 2 s, far below the 10 s any answer may be remembered);
//   - a token signed by a key that is not in the identity's JWKS is refused everywhere;
//   - Redis stopped: all three answer 503 (never access, never a sign-out); Redis back (empty):
//     all three serve again, and a revocation that reached Postgres during the outage is honoured.
// platform.test.ts runs it on one Redis, platform-cluster.test.ts on a Redis Cluster.
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";

import { type ApiProcess, startApiProcess } from "@platform/api/testing";
import { codeOf } from "@platform/auth/testing";
import { dropDatabase } from "@platform/db";
import { calculateJwkThumbprint, decodeJwt, exportJWK, SignJWT } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { identityClient, notesClient, notesEntry, stopProcesses } from "./processes.js";

const serverUrl = process.env.DATABASE_URL;
const propagationBoundMs = 2_000;
/** How long a Redis outage may take to show as 503 (the registry's command timeout, with margin). */
const outageBoundMs = 15_000;

const signingKey = generateKeyPairSync("ed25519");
const strangerKey = generateKeyPairSync("ed25519");
const issuerAndAudience = { JWT_ISSUER: "platform-test", JWT_AUDIENCE: "platform-test" };

/** Resolves once `call` fails with `code` (or succeeds, for "OK"), polling; rejects after `timeoutMs`. */
const becomes = (call: () => Promise<unknown>, code: string, timeoutMs = propagationBoundMs) =>
  expect.poll(() => codeOf(call()), { timeout: timeoutMs, interval: 20 }).toBe(code);

/** The platform's Redis, as the scenario needs it. */
export interface PlatformRedis {
  /** The identity's variables: REDIS_URL or REDIS_CLUSTER_NODES. */
  identityEnv: Record<string, string>;
  /** notes': the same server(s), as the Redis user `notes` under the specialist ACL. */
  notesEnv: Record<string, string>;
  /** Stops Redis as a crash would: nothing is kept. */
  crash(): Promise<void>;
  /** Starts it again, empty; the notes user is there again, as an operator's configuration keeps it. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The Redis user notes runs as (its rules: specialistAclRules(), set up by each test file). */
export const notesRedisUser = { name: "notes", password: randomUUID() };

export function describePlatform(redisKind: string, startRedis: () => Promise<PlatformRedis>): void {
  describe.skipIf(!serverUrl)(`the platform: identity ×2 and notes on one Postgres and ${redisKind}`, () => {
    let databaseUrl = "";
    let redis: PlatformRedis;
    let a: ApiProcess;
    let b: ApiProcess;
    let notes: ApiProcess;
    const processes: ApiProcess[] = [];
    const adminPassword = "platform admin passphrase";

    beforeAll(async () => {
      const url = new URL(serverUrl ?? "");
      url.pathname = `/platform_${randomBytes(6).toString("hex")}`;
      databaseUrl = url.toString();
      redis = await startRedis();
      const identityEnv = {
        NODE_ENV: "development", // creates the database, migrates it and seeds the admin
        DATABASE_URL: databaseUrl,
        ...redis.identityEnv,
        JWT_ALGORITHM: "EdDSA",
        JWT_PRIVATE_KEY: signingKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        JWT_SECRET: randomBytes(48).toString("base64"), // refresh and device tokens
        ADMIN_PASSWORD: adminPassword,
        LOG_LEVEL: "warn",
        ...issuerAndAudience,
      };
      a = await startApiProcess(identityEnv, 90_000);
      processes.push(a);
      b = await startApiProcess(identityEnv, 90_000);
      processes.push(b);
      notes = await startApiProcess(
        {
          NODE_ENV: "development",
          NOTES_PORT: "0",
          DATABASE_URL: databaseUrl,
          ...redis.notesEnv,
          AUTH_JWKS_URL: `${a.url}/.well-known/jwks.json`,
          IDENTITY_URL: `${a.url}/trpc`,
          LOG_LEVEL: "warn",
          ...issuerAndAudience,
        },
        90_000,
        notesEntry,
      );
      processes.push(notes);
    }, 300_000);

    afterAll(async () => {
      await stopProcesses(processes);
      await redis.close();
      await dropDatabase(databaseUrl);
    }, 60_000);

    let accounts = 0;
    /** A new user, signed up on A: their token and password. */
    async function signUp() {
      const email = `platform-${accounts++}-${randomUUID()}@example.com`;
      const password = "a platform passphrase";
      const { token, user } = await identityClient(a).auth.signUp.mutate({ email, name: "Platform", password });
      return { email, password, token, id: user.id };
    }
    const adminToken = async () =>
      (await identityClient(a).auth.signIn.mutate({ email: "admin@example.com", password: adminPassword })).token;

    it("accepts a token from a sign-in on A on B and on notes", async () => {
      const { token, id } = await signUp();
      await expect(identityClient(b, token).auth.me.query()).resolves.toMatchObject({ id });
      await expect(notesClient(notes, token).notes.create.mutate({ text: "hello" })).resolves.toMatchObject({
        userId: id,
        text: "hello",
      });
      await expect(notesClient(notes, token).notes.list.query()).resolves.toHaveLength(1);
    });

    it("honours a sign-out on B on A and on notes", async () => {
      const { token } = await signUp();
      // answered (and remembered) by both before the sign-out
      expect(await codeOf(identityClient(a, token).auth.me.query())).toBe("OK");
      expect(await codeOf(notesClient(notes, token).notes.list.query())).toBe("OK");
      await identityClient(b, token).auth.signOut.mutate();
      await becomes(() => identityClient(a, token).auth.me.query(), "UNAUTHORIZED");
      await becomes(() => notesClient(notes, token).notes.list.query(), "UNAUTHORIZED");
    });

    it("honours a demotion on A in notes' admin procedure", async () => {
      const admin = identityClient(a, await adminToken());
      const user = await signUp();
      await admin.users.setRoles.mutate({ id: user.id, roles: ["user", "admin"] });
      await becomes(() => notesClient(notes, user.token).notes.listAll.query(), "OK");
      await admin.users.setRoles.mutate({ id: user.id, roles: ["user"] });
      await becomes(() => notesClient(notes, user.token).notes.listAll.query(), "FORBIDDEN");
    });

    it("ends the user's other sessions on notes after a password change on A", async () => {
      const user = await signUp();
      const other = (await identityClient(b).auth.signIn.mutate({ email: user.email, password: user.password })).token;
      expect(await codeOf(notesClient(notes, other).notes.list.query())).toBe("OK");
      await identityClient(a, user.token).auth.changePassword.mutate({
        currentPassword: user.password,
        newPassword: "a brand new platform passphrase",
      });
      await becomes(() => notesClient(notes, other).notes.list.query(), "UNAUTHORIZED");
      expect(await codeOf(notesClient(notes, user.token).notes.list.query())).toBe("OK"); // the session that changed it
    });

    it("refuses everywhere a token signed by a key that is not in the identity's JWKS", async () => {
      const user = await signUp();
      const claims = decodeJwt(user.token); // a live session's claims: only the key is wrong
      const forge = async (kid: string) =>
        new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid }).sign(strangerKey.privateKey);
      const strangerKid = await calculateJwkThumbprint(await exportJWK(strangerKey.publicKey));
      const realKid = await calculateJwkThumbprint(await exportJWK(signingKey.publicKey));
      for (const token of [await forge(strangerKid), await forge(realKid)]) {
        expect(await codeOf(notesClient(notes, token).notes.list.query())).toBe("UNAUTHORIZED");
        expect(await codeOf(identityClient(a, token).auth.me.query())).toBe("UNAUTHORIZED");
        expect(await codeOf(identityClient(b, token).auth.me.query())).toBe("UNAUTHORIZED");
      }
      expect(await codeOf(notesClient(notes, user.token).notes.list.query())).toBe("OK");
    });

    it("fails closed while Redis is down and serves again after, honouring a revocation made meanwhile", async () => {
      const live = await signUp();
      const revoked = await signUp();
      const calls = (token: string) => [
        () => identityClient(a, token).auth.me.query(),
        () => identityClient(b, token).auth.me.query(),
        () => notesClient(notes, token).notes.list.query(),
      ];
      for (const call of [...calls(live.token), ...calls(revoked.token)]) expect(await codeOf(call())).toBe("OK");

      await redis.crash();
      for (const call of calls(live.token)) await becomes(call, "SERVICE_UNAVAILABLE", outageBoundMs);
      // a sign-out that reached the source of truth while the registry was away
      const database = new pg.Client({ connectionString: databaseUrl });
      await database.connect();
      try {
        const sessionId = decodeJwt(revoked.token).sid;
        await database.query("UPDATE sessions SET is_revoked = true WHERE id = $1", [sessionId]);
      } finally {
        await database.end();
      }
      for (const call of calls(revoked.token)) expect(await codeOf(call())).toBe("SERVICE_UNAVAILABLE");

      await redis.restart(); // empty, as after a crash
      for (const call of calls(live.token)) await becomes(call, "OK", outageBoundMs);
      for (const call of calls(revoked.token)) expect(await codeOf(call())).toBe("UNAUTHORIZED");
    }, 90_000);
  });
}
