// Ed25519 keys for access tokens (JWT_ALGORITHM=EdDSA): reading them from PEM text, and publishing
// their public parts as a JWKS. The identity signs with one private key; the other apps verify with
// the public keys it publishes (GET /.well-known/jwks.json), so they can check tokens but never
// mint them. Every key is named by its RFC 7638 thumbprint (`kid`), computed from its public part
// alone, so the identity and every verifier agree on the name without sharing anything else.
//
// Reading is synchronous (node:crypto), for the configuration's one-pass validation. A refusal
// says what it got (a PEM label, a key type, a block number), never the key. Publishing names each
// member it writes, so nothing private (`d`) can reach a JWKS whatever the key object holds.
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

import { calculateJwkThumbprint } from "jose";

/** What signs access tokens, and what verifies them besides it. */
export interface Ed25519SigningKeys {
  /** Signs every new token. */
  privateKey: KeyObject;
  /**
   * Public keys that verify too and are published with the signing key's: the previous key until
   * its last tokens have expired, and the next one before it starts signing (see the README's rotation).
   */
  additionalPublicKeys: readonly KeyObject[];
}

/** A public key as the JWKS lists it. */
export interface PublishedJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

export interface PublishedJwks {
  keys: PublishedJwk[];
}

/** A key read from PEM text, or what the text held instead (safe to show: no key material). */
export type KeyReading<T> = { ok: true; key: T } | { ok: false; got: string };

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text, with their labels. A one-line variable may carry `\n` written out. */
function pemBlocksOf(text: string): { label: string; pem: string }[] {
  const normalised = text.replace(/\\n/g, "\n");
  return [...normalised.matchAll(pemBlock)].map(([pem, label = ""]) => ({ label, pem }));
}

const notPem = (text: string) => `text that is not a PEM key (${text.length} characters)`;

/** The Ed25519 private key of a PKCS#8 PEM (`openssl genpkey -algorithm ed25519`). */
export function readEd25519PrivateKey(text: string): KeyReading<KeyObject> {
  const blocks = pemBlocksOf(text);
  const [block] = blocks;
  if (!block) return { ok: false, got: notPem(text) };
  if (blocks.length > 1) return { ok: false, got: `${blocks.length} PEM blocks (one key only)` };
  if (block.label === "ENCRYPTED PRIVATE KEY") {
    return { ok: false, got: "an encrypted private key (decrypt it: openssl pkey -in key.pem -out plain.pem)" };
  }
  if (block.label !== "PRIVATE KEY") return { ok: false, got: `a PEM block labelled '${block.label}'` };
  let key: KeyObject;
  try {
    key = createPrivateKey(block.pem);
  } catch {
    return { ok: false, got: "a PRIVATE KEY block that does not decode" };
  }
  if (key.asymmetricKeyType !== "ed25519") return { ok: false, got: `a private key of type ${typeOf(key)}` };
  return { ok: true, key };
}

/** The Ed25519 public keys of concatenated SPKI PEMs (`openssl pkey -in key.pem -pubout`), at least one. */
export function readEd25519PublicKeys(text: string): KeyReading<KeyObject[]> {
  const blocks = pemBlocksOf(text);
  if (blocks.length === 0) return { ok: false, got: notPem(text) };
  const keys: KeyObject[] = [];
  for (const [index, { label, pem }] of blocks.entries()) {
    const which = `block ${index + 1} of ${blocks.length}`;
    if (label.includes("PRIVATE")) return { ok: false, got: `a private key (${which}): only public keys belong here` };
    if (label !== "PUBLIC KEY") return { ok: false, got: `a PEM block labelled '${label}' (${which})` };
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      return { ok: false, got: `a PUBLIC KEY block that does not decode (${which})` };
    }
    if (key.asymmetricKeyType !== "ed25519") {
      return { ok: false, got: `a public key of type ${typeOf(key)} (${which})` };
    }
    keys.push(key);
  }
  return { ok: true, key: keys };
}

/** 'rsa', 'ec', 'ed448'...: a key's type as node:crypto names it, for a refusal. */
const typeOf = (key: KeyObject) => `'${key.asymmetricKeyType ?? "unknown"}'`;

/** The JWKS entry of a key's public part, named by its RFC 7638 thumbprint. */
export async function publishedJwkOf(key: KeyObject): Promise<PublishedJwk> {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  const { kty, crv, x } = publicKey.export({ format: "jwk" });
  if (kty !== "OKP" || crv !== "Ed25519" || typeof x !== "string") throw new TypeError("Not an Ed25519 key");
  const kid = await calculateJwkThumbprint({ kty, crv, x });
  return { kty, crv, x, kid, alg: "EdDSA", use: "sig" };
}

/** Every key that verifies, the signing key's first, each once: what the identity publishes. */
export async function publishedJwksOf(keys: Ed25519SigningKeys): Promise<PublishedJwks> {
  const all = await Promise.all([keys.privateKey, ...keys.additionalPublicKeys].map(publishedJwkOf));
  // a key listed twice (or the signing key's own public part listed too) would make its kid ambiguous
  return { keys: all.filter((jwk, index) => all.findIndex(({ kid }) => kid === jwk.kid) === index) };
}
