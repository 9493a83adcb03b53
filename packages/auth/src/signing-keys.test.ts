import { generateKeyPairSync } from "node:crypto";

import { calculateJwkThumbprint } from "jose";
import { describe, expect, it } from "vitest";

import { publishedJwkOf, publishedJwksOf, readEd25519PrivateKey, readEd25519PublicKeys } from "./signing-keys.js";
import { createTestEd25519Key } from "./testing.js";

const key = createTestEd25519Key();
const other = createTestEd25519Key();
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaPrivatePem = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const rsaPublicPem = rsa.publicKey.export({ type: "spki", format: "pem" }).toString();
const encryptedPem = key.privateKey
  .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "hunter2" })
  .toString();

describe("readEd25519PrivateKey", () => {
  it("reads a PKCS#8 PEM, also with its line breaks written out as \\n (a one-line variable)", () => {
    for (const text of [key.privatePem, key.privatePem.replace(/\n/g, "\\n"), `\n  ${key.privatePem}  \n`]) {
      const reading = readEd25519PrivateKey(text);
      expect(reading.ok && reading.key.equals(key.privateKey)).toBe(true);
    }
  });

  it.each([
    ["an RSA key", rsaPrivatePem, "a private key of type 'rsa'"],
    [
      "an encrypted key",
      encryptedPem,
      "an encrypted private key (decrypt it: openssl pkey -in key.pem -out plain.pem)",
    ],
    ["a public key", key.publicPem, "a PEM block labelled 'PUBLIC KEY'"],
    ["two keys", `${key.privatePem}${other.privatePem}`, "2 PEM blocks (one key only)"],
    ["text", "not a key", "text that is not a PEM key (9 characters)"],
    [
      "a block that does not decode",
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
      "a PRIVATE KEY block that does not decode",
    ],
  ])("refuses %s, saying what it got (never the key)", (_, text, got) => {
    expect(readEd25519PrivateKey(text)).toEqual({ ok: false, got });
  });
});

describe("readEd25519PublicKeys", () => {
  it("reads concatenated SPKI PEMs, in order", () => {
    const reading = readEd25519PublicKeys(`${key.publicPem}\n${other.publicPem}`);
    expect(reading.ok && reading.key.map((k) => k.equals(key.publicKey) || k.equals(other.publicKey))).toEqual([
      true,
      true,
    ]);
    expect(reading.ok && reading.key[1]?.equals(other.publicKey)).toBe(true);
  });

  it.each([
    [
      "a private key",
      `${key.publicPem}${other.privatePem}`,
      "a private key (block 2 of 2): only public keys belong here",
    ],
    ["an RSA key", rsaPublicPem, "a public key of type 'rsa' (block 1 of 1)"],
    ["text", "no key", "text that is not a PEM key (6 characters)"],
    [
      "a block that does not decode",
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
      "a PUBLIC KEY block that does not decode (block 1 of 1)",
    ],
  ])("refuses %s", (_, text, got) => {
    expect(readEd25519PublicKeys(text)).toEqual({ ok: false, got });
  });
});

describe("publishing", () => {
  it("names a key by its RFC 7638 thumbprint, the same from its private and its public part", async () => {
    const fromPrivate = await publishedJwkOf(key.privateKey);
    const fromPublic = await publishedJwkOf(key.publicKey);
    expect(fromPrivate).toEqual(fromPublic);
    expect(fromPrivate.kid).toBe(await calculateJwkThumbprint(key.publicKey));
  });

  it("lists the public part only: exactly kty, crv, x, kid, alg and use, never d", async () => {
    const jwk = await publishedJwkOf(key.privateKey);
    expect(Object.keys(jwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    const { d } = key.privateKey.export({ format: "jwk" });
    expect(JSON.stringify(jwk)).not.toContain(d);
  });

  it("lists the signing key first, then the additional ones, each once", async () => {
    const jwks = await publishedJwksOf({
      privateKey: key.privateKey,
      additionalPublicKeys: [other.publicKey, key.publicKey, other.publicKey],
    });
    expect(jwks.keys.map(({ kid }) => kid)).toEqual([
      await calculateJwkThumbprint(key.publicKey),
      await calculateJwkThumbprint(other.publicKey),
    ]);
  });
});
