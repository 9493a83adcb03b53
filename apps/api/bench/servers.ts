// Starts the servers the benchmark drives, each a process of its own (processes.ts):
//   the API     dist/main.js (twice: the second instance, on the same database, Redis and keys,
//               is where revocations made on the first must be honoured), NODE_ENV=production
//               with its production defaults (LOG_LEVEL included), on the benchmark's database and
//               REDIS_URL, signing EdDSA tokens (issue #10's platform of several apps) with an
//               Ed25519 key made for the run, and a JWT_SECRET made for the run (refresh tokens).
//               Two settings differ from the defaults, neither for speed: the sign-in
//               back-off budgets, which would (rightly) stop the sign-in target, and TRUST_PROXY,
//               so that the run's requests claim a client IP of their own (bench-services.ts)
//   notes       the notes app's dist/main.js, checking tokens with the first instance's JWKS (notes.ts)
//   the limit   a bare Fastify route answering the exact bytes of a real auth.me (bare-server.ts)
//   the stock   the same router through tRPC's stock Fastify adapter (stock-server.ts), with the
//               API's environment
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import type { BenchServices } from "./bench-services.js";
import { notesSettings, seedNotes } from "./notes.js";
import { benchFile, builtApiEntry, builtNotesEntry, resultsDir } from "./paths.js";
import { type ServerProcess, startServerProcess } from "./processes.js";
import { authMeBody, type ServerName, signIn } from "./targets.js";

/** What the API runs with, as the results show it (no secret; the URLs are the run's own). */
export function apiSettings(services: BenchServices, redisUrl: string) {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: redisUrl,
    // a platform of several apps: the others check tokens with the public keys (the key is made per run)
    JWT_ALGORITHM: "EdDSA",
    // the run's requests claim a client IP of their own through the loopback "proxy", so that the
    // sign-in counters of 127.0.0.1 (a developer's own API may share this Redis) stay untouched
    TRUST_PROXY: "127.0.0.1",
    // the back-off would (rightly) stop the sign-in target after a few attempts: not a speed setting
    SIGN_IN_ACCOUNT_FREE_ATTEMPTS: "1000",
    SIGN_IN_IP_FREE_ATTEMPTS: "100000",
  };
}

export interface BenchServers {
  urls: Record<ServerName, string>;
  /** Another instance of the API (revocation propagation; idle otherwise). */
  secondApiUrl: string;
  /** What notes runs with (no secret), for the results. */
  notesSettings: Record<string, string>;
  pids: Record<ServerName, number>;
  /** Fresh access tokens of the plain user and the admin (a long run outlives one token). */
  tokens: () => Promise<{ memberToken: string; adminToken: string }>;
}

/**
 * Starts the API, then (with auth.me's answer in hand) notes, the limit and the stock adapter, and
 * writes the member's notes. Each process is handed to `started` as soon as it runs, so that the
 * caller can stop it whatever happens next.
 */
export async function startServers(options: {
  services: BenchServices;
  redisUrl: string;
  path: string;
  scratchDir: string;
  started: (server: ServerProcess) => void;
}): Promise<BenchServers> {
  const { services, path } = options;
  const apiEnv = {
    PATH: path,
    ...apiSettings(services, options.redisUrl),
    JWT_SECRET: randomBytes(48).toString("base64"),
    JWT_PRIVATE_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
  const start = async (name: string, args: string[], listening: RegExp, env: Record<string, string>) => {
    const server = await startServerProcess({ name, args, env, logPath: join(resultsDir, `${name}.log`), listening });
    options.started(server);
    return server;
  };
  const apiArgs = ["--enable-source-maps", builtApiEntry];
  const [api, api2] = await Promise.all([
    start("api", apiArgs, /API listening on (\S+)/, apiEnv),
    start("api2", apiArgs, /API listening on (\S+)/, apiEnv),
  ]);
  const tokens = async () => ({
    memberToken: await signIn(api.url, services.member, services.clientIp),
    adminToken: await signIn(api.url, services.admin, services.clientIp),
  });
  const bodyPath = join(options.scratchDir, "auth-me.json");
  const { memberToken } = await tokens();
  writeFileSync(bodyPath, await authMeBody(api.url, memberToken, services.clientIp));
  const tsx = ["--import", "tsx"];
  const notesEnv = notesSettings(services.databaseUrl, options.redisUrl, api.url);
  const [notes, bare, stock] = await Promise.all([
    start("notes", ["--enable-source-maps", builtNotesEntry], /Notes listening on (\S+)/, { PATH: path, ...notesEnv }),
    start("bare", [...tsx, benchFile("bare-server.ts"), bodyPath], /listening on (\S+)/, { PATH: path }),
    start("stock", [...tsx, benchFile("stock-server.ts")], /listening on (\S+)/, apiEnv),
  ]);
  await seedNotes(notes.url, { "x-forwarded-for": services.clientIp, authorization: `Bearer ${memberToken}` });
  return {
    secondApiUrl: api2.url,
    notesSettings: notesEnv,
    urls: { api: api.url, bare: bare.url, stock: stock.url, notes: notes.url },
    pids: { api: api.pid, bare: bare.pid, stock: stock.pid, notes: notes.pid },
    tokens,
  };
}
