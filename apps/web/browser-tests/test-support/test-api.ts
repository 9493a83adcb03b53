// The identity API the browser talks to: the real entry point as a process (startApiProcess), on a
// database made for this file on the PostgreSQL server and on a Redis of its own (so that its
// sign-in counters, keyed by 127.0.0.1, meet no other test's). The admin is seeded in the
// database as `pnpm db:seed` does; everybody else signs up through the API. The tests also call
// the API directly over HTTP, as another client of the same account would.
import { randomBytes } from "node:crypto";

import { seedAdmin } from "@platform/api";
import { type ApiProcess, startApiProcess, startPrivateRedis, uniqueEmail } from "@platform/api/testing";
import { createTestDatabase } from "@platform/db/testing";

export interface TestAccount {
  id: string;
  email: string;
  password: string;
}

/** A tRPC answer over HTTP: the data, or the error's tRPC code (e.g. "UNAUTHORIZED"). */
export interface ApiAnswer {
  status: number;
  data?: unknown;
  code?: string;
}

export interface TestApi {
  /** The tRPC URL as the web app is built with: `http://localhost:<port>/trpc`. */
  browserUrl: string;
  admin: TestAccount;
  /** A new plain user (role `user`), through `auth.signUp`. */
  signUp: (label: string) => Promise<TestAccount>;
  /** A new session of `account` (another client than the page): its access token. */
  signIn: (account: TestAccount) => Promise<string>;
  /** A query (GET) as an HTTP client sends it, with `Authorization: Bearer <token>` when given. */
  query: (path: string, token?: string) => Promise<ApiAnswer>;
  /** A mutation (POST) as an HTTP client sends it. */
  mutate: (path: string, input: unknown, token?: string) => Promise<ApiAnswer>;
  /** The API's output so far, for a failure's message. */
  output: () => string;
  close: () => Promise<void>;
}

export interface TestApiOptions {
  /** The PostgreSQL server the file's database is created on. */
  serverUrl: string;
  /** The web app's origin: the only one CORS_ORIGIN lists. */
  webOrigin: string;
  /** REFRESH_COOKIE: "on" for the refresh-cookie mode (opt-in), "off" is the API's default. */
  refreshCookie: "on" | "off";
}

interface TrpcBody {
  result?: { data?: { json?: unknown } };
  error?: { json?: { data?: { code?: string } } };
}

export async function startTestApi({ serverUrl, webOrigin, refreshCookie }: TestApiOptions): Promise<TestApi> {
  const database = await createTestDatabase(serverUrl);
  const redis = await startPrivateRedis().catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const credentials = { email: uniqueEmail("admin"), password: randomBytes(12).toString("base64url") };
  let admin: TestAccount;
  let api: ApiProcess;
  try {
    admin = { id: (await seedAdmin(database.prisma, credentials)).id, ...credentials };
    api = await startApiProcess({
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      JWT_SECRET: randomBytes(48).toString("base64"),
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      CORS_ORIGIN: webOrigin,
      REFRESH_COOKIE: refreshCookie,
    });
  } catch (error) {
    await Promise.allSettled([database.drop(), redis.stop()]);
    throw error;
  }
  // the browser's host name is localhost (see browser-platform.ts); Node's fetch uses the address
  const port = new URL(api.url).port;

  async function send(path: string, init: RequestInit, token?: string): Promise<ApiAnswer> {
    const headers = new Headers(init.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    const response = await fetch(`${api.url}/trpc/${path}`, { ...init, headers });
    const body = (await response.json()) as TrpcBody;
    const code = body.error?.json?.data?.code;
    return { status: response.status, ...(code ? { code } : { data: body.result?.data?.json }) };
  }
  const query = (path: string, token?: string) => send(path, { method: "GET" }, token);
  const mutate = (path: string, input: unknown, token?: string) =>
    send(
      path,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input }) },
      token,
    );
  /** The data of a call that must succeed; a refusal throws with the API's answer. */
  const dataOf = async <T>(answer: Promise<ApiAnswer>, what: string): Promise<T> => {
    const { status, data, code } = await answer;
    if (code) throw new Error(`${what} was refused: HTTP ${status} ${code}`);
    return data as T;
  };

  return {
    browserUrl: `http://localhost:${port}/trpc`,
    admin,
    async signUp(label) {
      const account = { email: uniqueEmail(label), name: label, password: randomBytes(12).toString("base64url") };
      const { user } = await dataOf<{ user: { id: string } }>(mutate("auth.signUp", account), "auth.signUp");
      return { id: user.id, email: account.email, password: account.password };
    },
    async signIn({ email, password }) {
      const { token } = await dataOf<{ token: string }>(mutate("auth.signIn", { email, password }), "auth.signIn");
      return token;
    },
    query,
    mutate,
    output: api.output,
    async close() {
      if (api.child.exitCode === null && api.child.signalCode === null) {
        api.child.kill("SIGTERM");
        const killer = setTimeout(() => api.child.kill("SIGKILL"), 10_000);
        await api.exited;
        clearTimeout(killer);
      }
      await Promise.allSettled([database.drop(), redis.stop()]);
    },
  };
}
