// A specialist app's verifier against the identity's JWKS served over real HTTP (node:http, no
// fetch mocks): the keys it accepts, the ones it refuses, rotation, and what an outage of the JWKS
// looks like to a caller (503 through initAuth, never UNAUTHORIZED and never access).
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo, Server } from "node:net";

import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { calculateJwkThumbprint } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AuthDeps } from "./authenticate.js";
import { initAuth } from "./init-auth.js";
import { createJwksTokenVerifier, jwksFetchTimeoutMs, type RemoteJwksOptions } from "./jwks-verifier.js";
import { KeySetUnavailableError } from "./key-set-unavailable.js";
import { isServiceUnavailable } from "./service-errors.js";
import {
  codeOf,
  createTestEd25519Key,
  createTestRegistry,
  forgeAccessToken,
  type ForgedAccessToken,
  type TestEd25519Key,
  type TestRegistry,
  withSilentServer,
} from "./testing.js";
import { createTokenService } from "./tokens.js";

const issuer = "test-issuer";
const audience = "test-audience";
const claims = { userId: "user_1", sessionId: "session_1", roles: ["user"] };

/** The identity's token service, signing with `key` and publishing `additional` too. */
const identityWith = (key: TestEd25519Key, additional: TestEd25519Key[] = []) =>
  createTokenService({
    issuer,
    audience,
    accessTokenTtlSeconds: 900,
    ed25519: { privateKey: key.privateKey, additionalPublicKeys: additional.map(({ publicKey }) => publicKey) },
  });

/** An HTTP server answering every request with what it was last told to, counting the requests. */
interface HttpServer {
  url: string;
  requests: number;
  answer(status: number, body: string): void;
  close(): Promise<void>;
}

async function startHttpServer(): Promise<HttpServer> {
  let status = 200;
  let body = JSON.stringify({ keys: [] });
  const server = createHttpServer((_request, response) => {
    state.requests += 1;
    response.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  const state: HttpServer = {
    url: `http://127.0.0.1:${await listen(server)}/.well-known/jwks.json`,
    requests: 0,
    answer(newStatus, newBody) {
      status = newStatus;
      body = newBody;
    },
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
  return state;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A JWKS server of the identity, serving what it publishes now. */
async function serveKeysOf(server: HttpServer, identity: ReturnType<typeof identityWith>) {
  server.answer(200, JSON.stringify(await identity.publishedKeys()));
}

/** A specialist's verifier on `url`. */
const specialist = (url: string, options: Partial<RemoteJwksOptions> = {}) =>
  createJwksTokenVerifier({ issuer, audience, jwksUrl: url, ...options });

const forge = (changes: Partial<ForgedAccessToken>) =>
  forgeAccessToken({ issuer, audience, ...claims, issuedAt: new Date(), ...changes });
const forgeSigned = async (key: TestEd25519Key, changes: Partial<ForgedAccessToken> = {}) =>
  forge({
    alg: "EdDSA",
    key: key.privateKey,
    header: { kid: await calculateJwkThumbprint(key.publicKey) },
    ...changes,
  });

const current = createTestEd25519Key();
const stranger = createTestEd25519Key();
const identity = identityWith(current);

let jwksServer: HttpServer;
beforeAll(async () => {
  jwksServer = await startHttpServer();
  await serveKeysOf(jwksServer, identity);
});
afterAll(() => jwksServer.close());

describe("createJwksTokenVerifier", () => {
  it("verifies the identity's tokens with the keys its JWKS lists, fetching the JWKS once", async () => {
    const verifier = specialist(jwksServer.url);
    const before = jwksServer.requests;
    expect(await verifier.verify(await identity.sign(claims))).toMatchObject(claims);
    expect(await verifier.verify(await identity.sign({ ...claims, sessionId: "session_2" }))).toMatchObject({
      sessionId: "session_2",
    });
    expect(jwksServer.requests - before).toBe(1);
  });

  it("verifies them with a JWKS given as JSON (e.g. read from a file), fetching nothing", async () => {
    const verifier = createJwksTokenVerifier({ issuer, audience, jwks: await identity.publishedKeys() });
    expect(await verifier.verify(await identity.sign(claims))).toMatchObject(claims);
  });

  const rawPublicKey = Buffer.from(String(current.publicKey.export({ format: "jwk" }).x), "base64url");
  const kidOfCurrent = () => calculateJwkThumbprint(current.publicKey);
  it.each([
    ["HS256 keyed with the public key's PEM", () => forge({ secret: current.publicPem })],
    [
      "HS256 keyed with the public key's raw bytes",
      async () => forge({ key: rawPublicKey, header: { kid: await kidOfCurrent() } }),
    ],
    ["alg: none", () => forge({ alg: "none" })],
    [
      "another key naming the identity's kid",
      async () => forgeSigned(stranger, { header: { kid: await kidOfCurrent() } }),
    ],
    ["an unknown kid", () => forgeSigned(stranger)],
    ["no kid", () => forgeSigned(current, { header: {} })],
    ["the identity's key, another audience", () => forgeSigned(current, { audience: "another-app" })],
  ])("refuses %s (null: UNAUTHORIZED)", async (_, makeToken) => {
    expect(await specialist(jwksServer.url).verify(await makeToken())).toBeNull();
  });

  it("never fetches a URL the token names (jku, x5u) nor uses a key it carries (jwk)", async () => {
    const attacker = await startHttpServer();
    try {
      attacker.answer(200, JSON.stringify(await identityWith(stranger).publishedKeys()));
      const token = await forgeSigned(stranger, {
        header: {
          kid: await calculateJwkThumbprint(stranger.publicKey),
          jku: attacker.url,
          x5u: attacker.url,
          jwk: stranger.publicKey.export({ format: "jwk" }),
        },
      });
      expect(await specialist(jwksServer.url).verify(token)).toBeNull();
      expect(attacker.requests).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  it("refetches the JWKS for an unknown kid at most once per cooldown, however many tokens name one", async () => {
    const verifier = specialist(jwksServer.url); // jose's cooldown: 30 s
    expect(await verifier.verify(await identity.sign(claims))).not.toBeNull();
    const before = jwksServer.requests;
    for (let i = 0; i < 5; i++) expect(await verifier.verify(await forgeSigned(stranger))).toBeNull();
    expect(jwksServer.requests - before).toBe(0);

    const noCooldown = specialist(jwksServer.url, { cooldownMs: 0 });
    expect(await noCooldown.verify(await identity.sign(claims))).not.toBeNull();
    const beforeUnknown = jwksServer.requests;
    expect(await noCooldown.verify(await forgeSigned(stranger))).toBeNull();
    expect(jwksServer.requests - beforeUnknown).toBe(1); // one refetch, then the refusal
  });

  it("rotation: a new key's tokens verify on a verifier that fetched the JWKS before; the old key's while listed", async () => {
    const oldKey = createTestEd25519Key();
    const newKey = createTestEd25519Key();
    const server = await startHttpServer();
    try {
      const beforeRotation = identityWith(oldKey);
      await serveKeysOf(server, beforeRotation);
      const verifier = specialist(server.url, { cooldownMs: 0 });
      const oldToken = await beforeRotation.sign(claims);
      expect(await verifier.verify(oldToken)).toMatchObject(claims);

      // the identity restarts with the new key, the old one's public part listed
      const afterRotation = identityWith(newKey, [oldKey]);
      await serveKeysOf(server, afterRotation);
      expect(await verifier.verify(await afterRotation.sign(claims))).toMatchObject(claims);
      expect(await verifier.verify(await beforeRotation.sign({ ...claims, sessionId: "s2" }))).not.toBeNull();

      // once the old key is removed, a verifier that fetches the JWKS afresh refuses its tokens
      await serveKeysOf(server, identityWith(newKey));
      const another = await beforeRotation.sign({ ...claims, sessionId: "s3" });
      expect(await specialist(server.url).verify(another)).toBeNull();
    } finally {
      await server.close();
    }
  });

  describe("an outage of the JWKS: verify throws KeySetUnavailableError (503), never null", () => {
    async function expectOutage(url: string, options: Partial<RemoteJwksOptions> = {}) {
      const token = await identity.sign(claims);
      const error = await specialist(url, options)
        .verify(token)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(KeySetUnavailableError);
      expect(isServiceUnavailable(error)).toBe(true);
    }

    it("a JWKS URL that refuses connections", async () => {
      const server = await startHttpServer();
      await server.close();
      await expectOutage(server.url);
    });

    it(`a JWKS URL that does not answer: within the fetch timeout (${jwksFetchTimeoutMs} ms, below 2 s)`, async () => {
      await withSilentServer(async (port) => {
        const started = Date.now();
        await expectOutage(`http://127.0.0.1:${port}/.well-known/jwks.json`);
        expect(Date.now() - started).toBeLessThan(2_000);
      });
    });

    it.each([
      ["an HTTP error", 500, JSON.stringify({ error: "oops" })],
      ["a redirect (jose does not follow it)", 302, ""],
      ["not JSON", 200, "<html>maintenance</html>"],
      ["JSON that is not a JWKS", 200, JSON.stringify({ keys: "none" })],
    ])("a JWKS URL answering %s", async (_, status, body) => {
      const server = await startHttpServer();
      try {
        server.answer(status, body);
        await expectOutage(server.url);
      } finally {
        await server.close();
      }
    });

    it("a JWKS that lists a private key is not used", async () => {
      const server = await startHttpServer();
      try {
        const [published] = (await identity.publishedKeys()).keys;
        const { d } = current.privateKey.export({ format: "jwk" });
        server.answer(200, JSON.stringify({ keys: [{ ...published, d }] }));
        await expectOutage(server.url);
      } finally {
        await server.close();
      }
    });
  });
});

describe("a specialist app's procedures on a JWKS verifier (initAuth)", () => {
  const auth = initAuth<AuthDeps>();
  const router = auth.router({ whoami: auth.authedProcedure.query(({ ctx }) => ctx.principal) });
  const createCaller = auth.createCallerFactory(router);
  let testRegistry: TestRegistry;
  beforeAll(async () => {
    testRegistry = await createTestRegistry();
  });
  afterAll(() => testRegistry.cleanup());

  const depsOn = (url: string): AuthDeps => ({
    tokens: specialist(url),
    registry: testRegistry.registry,
    loadSession: () => Promise.resolve(null),
  });
  const call = (deps: AuthDeps, token: string) =>
    createCaller({ deps, request: { authorization: `Bearer ${token}` } }).whoami();

  it("let in the identity's token for a live session, and refuse an unknown key as UNAUTHORIZED", async () => {
    const session = { userId: "user_jwks", sessionId: `session_jwks_${Date.now()}` };
    await testRegistry.registry.register(
      { ...session, expiresAt: new Date(Date.now() + 3_600_000) },
      { roles: ["user"], version: 1 },
    );
    const deps = depsOn(jwksServer.url);
    expect(await call(deps, await identity.sign({ ...session, roles: ["user"] }))).toEqual({
      ...session,
      roles: ["user"],
    });
    expect(await codeOf(call(deps, await forgeSigned(stranger, session)))).toBe("UNAUTHORIZED");
  });

  it("answer SERVICE_UNAVAILABLE (503 over HTTP) while the JWKS cannot be fetched", async () => {
    const server = await startHttpServer();
    await server.close();
    const deps = depsOn(server.url);
    const token = await identity.sign(claims);
    expect(await codeOf(call(deps, token))).toBe("SERVICE_UNAVAILABLE");

    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req: new Request("http://app.test/trpc/whoami", { headers: { authorization: `Bearer ${token}` } }),
      router,
      createContext: () => ({ deps, request: { authorization: `Bearer ${token}` } }),
    });
    expect(response.status).toBe(503);
  });
});
