// What the load generator sends: for each target, the exact HTTP request that tRPC's own client
// sends for that call (URL with the path and the superjson input, method, headers, body), recorded
// by making the call once through `httpLink` / `httpBatchLink` with a fetch that writes it down.
// So the batch target is exactly what `httpBatchLink` sends for ten `auth.me` at once
// (`/trpc/auth.me,auth.me,…?batch=1&input={"0":…,"9":…}`), and no URL format is guessed here. The
// recorded call's answer is the body every answer under load must equal (autocannon counts any
// other as a mismatch); sign-in answers differ (new tokens), so they are only checked for a token.
// The notes app's call is recorded the same way, through tRPC's untyped client (notes.ts).
import { createTRPCClient, httpBatchLink, httpLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

import type { AppRouter } from "../src/router.js";
import type { MaxBatchSize } from "../src/server.js";
import { listNotes, notesOfMember } from "./notes.js";

/** The batch target's size: the most the API accepts in one request (typed as its limit, as the client does). */
const maxBatchSize: MaxBatchSize = 10;

export type ServerName = "bare" | "stock" | "api" | "notes";

export interface Target {
  /** Stable key (JSON results, ratios). */
  key: "bare" | "stockPing" | "apiPing" | "me" | "usersList" | "meBatch" | "signIn" | "notesList";
  label: string;
  /** Which process serves it (its CPU and RSS are reported). */
  server: ServerName;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Bodies to send instead of `body`, one per connection (each connection keeps its own). */
  bodiesPerConnection?: string[];
  /** Every answer must have exactly this body (undefined: `verifyBody` decides). */
  expectBody?: string;
  verifyBody?: (body: string | Buffer | undefined) => boolean;
}

interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
  responseBody: string;
}

/** Makes `call` with a fetch that writes its requests down, and returns the one HTTP request it sent. */
async function recordFetch(call: (fetch: typeof globalThis.fetch) => Promise<unknown>): Promise<Recorded> {
  const requests: Recorded[] = [];
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    requests.push({
      url: input instanceof Request ? input.url : String(input),
      method: init?.method ?? "GET",
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === "string" ? init.body : undefined,
      status: response.status,
      responseBody: await response.clone().text(),
    });
    return response;
  };
  await call(recordingFetch);
  const [request, ...more] = requests;
  if (!request || more.length > 0) throw new Error(`expected one HTTP request, the client sent ${requests.length}`);
  return request;
}

/** Makes `call` through a tRPC client of the API at `trpcUrl` and returns the one HTTP request it sent. */
function record(
  trpcUrl: string,
  headers: Record<string, string>,
  batch: boolean,
  call: (client: TRPCClient<AppRouter>) => Promise<unknown>,
): Promise<Recorded> {
  return recordFetch((fetch) => {
    const options = { url: trpcUrl, transformer: superjson, headers, fetch };
    const client = createTRPCClient<AppRouter>({
      links: [batch ? httpBatchLink({ ...options, maxItems: maxBatchSize }) : httpLink(options)],
    });
    return call(client);
  });
}

const hasToken = (body: string | Buffer | undefined) => String(body ?? "").includes('"token":"');

export interface TargetInputs {
  urls: Record<ServerName, string>;
  /** Access tokens: of a plain user (auth.me) and of an admin (users.list). */
  memberToken: string;
  adminToken: string;
  /** One account per connection, all with the same password. */
  signIn: { email: string; password: string }[];
  /** Sent as X-Forwarded-For on every request (see bench-services.ts). */
  clientIp: string;
}

/** The eight targets, in the order they run within a round. Each recorded call must succeed. */
export async function buildTargets(inputs: TargetInputs): Promise<Target[]> {
  const { urls, clientIp } = inputs;
  const anonymous = { "x-forwarded-for": clientIp };
  const member = { ...anonymous, authorization: `Bearer ${inputs.memberToken}` };
  const admin = { ...anonymous, authorization: `Bearer ${inputs.adminToken}` };
  const api = `${urls.api}/trpc`;
  const [firstSigner] = inputs.signIn;
  if (!firstSigner) throw new Error("the sign-in target needs at least one account");

  const me = await record(api, member, false, (client) => client.auth.me.query());
  const recorded = {
    stockPing: await record(`${urls.stock}/trpc`, anonymous, false, (client) => client.health.ping.query()),
    apiPing: await record(api, anonymous, false, (client) => client.health.ping.query()),
    me,
    usersList: await record(api, admin, false, (client) => client.users.list.query({ limit: 20 })),
    meBatch: await record(api, member, true, (client) =>
      Promise.all(Array.from({ length: maxBatchSize }, () => client.auth.me.query())),
    ),
    signIn: await record(api, anonymous, false, (client) =>
      client.auth.signIn.mutate({ email: firstSigner.email, password: firstSigner.password }),
    ),
    notesList: await recordFetch((fetch) => listNotes(urls.notes, member, fetch)),
  };
  for (const [key, { status, responseBody }] of Object.entries(recorded)) {
    if (status !== 200) throw new Error(`${key}: the recorded call answered ${status}: ${responseBody.slice(0, 300)}`);
  }
  if (!hasToken(recorded.signIn.responseBody)) throw new Error("auth.signIn: the recorded answer has no token");
  if (!notesOfMember.every((text) => recorded.notesList.responseBody.includes(JSON.stringify(text))))
    throw new Error("notes.list: the recorded answer lacks the member's notes");

  const from = (key: Target["key"], label: string, server: ServerName, request: Recorded): Target => ({
    key,
    label,
    server,
    url: request.url,
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(key === "signIn" ? { verifyBody: hasToken } : { expectBody: request.responseBody }),
  });
  return [
    // auth.me's own request (headers included) to a route that answers auth.me's bytes at once
    { ...from("bare", "(1) bare route", "bare", me), url: `${urls.bare}/me` },
    from("stockPing", "(2) health.ping, stock adapter", "stock", recorded.stockPing),
    from("apiPing", "(3) health.ping, API", "api", recorded.apiPing),
    from("me", "(4) auth.me", "api", recorded.me),
    from("usersList", "(5) users.list (20)", "api", recorded.usersList),
    from("meBatch", `(6) ${maxBatchSize} × auth.me, one batch`, "api", recorded.meBatch),
    {
      ...from("signIn", "(7) auth.signIn", "api", recorded.signIn),
      // the client's exact body, with each connection's own email in it
      bodiesPerConnection: inputs.signIn.map(({ email }) =>
        (recorded.signIn.body ?? "").replace(JSON.stringify(firstSigner.email), JSON.stringify(email)),
      ),
    },
    from("notesList", `(8) notes.list (${notesOfMember.length} notes), notes app`, "notes", recorded.notesList),
  ];
}

/** The answer of auth.me for `token`: the bare route serves exactly these bytes. */
export async function authMeBody(apiUrl: string, token: string, clientIp: string): Promise<string> {
  const headers = { "x-forwarded-for": clientIp, authorization: `Bearer ${token}` };
  const { status, responseBody } = await record(`${apiUrl}/trpc`, headers, false, (client) => client.auth.me.query());
  if (status !== 200) throw new Error(`auth.me answered ${status}: ${responseBody.slice(0, 300)}`);
  return responseBody;
}

/** Signs in through the API (as a client would) and returns the access token. */
export async function signIn(apiUrl: string, account: { email: string; password: string }, clientIp: string) {
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${apiUrl}/trpc`, transformer: superjson, headers: { "x-forwarded-for": clientIp } })],
  });
  const { token } = await client.auth.signIn.mutate({ email: account.email, password: account.password });
  return token;
}
