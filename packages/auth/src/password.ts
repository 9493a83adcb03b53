// Password hashing with argon2id. Parameters follow OWASP's minimum for argon2id (m=19 MiB, t=2,
// p=1); hashes made with other parameters or another argon2 variant are reported by `needsRehash`
// so that sign-in can upgrade them. Verifying against a dummy hash when a user does not exist
// keeps the timing of "unknown email" and "wrong password" the same.
//
// A stored hash names its own cost, and argon2 pays whatever it names: a row with m = 8 GiB and
// t = 1000 (a bad migration, a tampered backup) would take seconds and gigabytes per sign-in.
// Hashes outside `storedHashBounds` are therefore refused without running them.
import argon2 from "argon2";

export const passwordHashOptions = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * The form a password is hashed and verified in: NFC, so that "é" typed as one code point (most
 * keyboards) and as "e" plus a combining accent (some macOS and Linux input) is one password.
 * NFC rather than NFKC: compatibility forms (the ligature "ﬁ", full-width letters) stay distinct,
 * as RFC 8265's OpaqueString profile leaves them.
 */
const normalised = (password: string) => password.normalize("NFC");

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalised(password), passwordHashOptions);
}

/** The most a stored hash may ask for: well above today's parameters, far below a denial of service. */
export const storedHashBounds = {
  /** KiB (256 MiB). */
  maxMemoryKiB: 262_144,
  maxTimeCost: 10,
  maxParallelism: 4,
} as const;

interface StoredHash {
  variant: "argon2id" | "argon2i" | "argon2d";
  version: number;
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<digest>, salt and digest in unpadded base64 of sane
// length (16 and 32 bytes are ours; at most 64 each)
const storedHashPattern =
  /^\$(argon2id|argon2i|argon2d)\$v=(16|19)\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,10})\$[A-Za-z0-9+/]{11,86}\$[A-Za-z0-9+/]{6,86}$/;

function parseStoredHash(hash: string): StoredHash | null {
  const match = storedHashPattern.exec(hash);
  if (!match) return null;
  const [, variant, version, memoryKiB, timeCost, parallelism] = match;
  return {
    variant: variant as StoredHash["variant"],
    version: Number(version),
    memoryKiB: Number(memoryKiB),
    timeCost: Number(timeCost),
    parallelism: Number(parallelism),
  };
}

/**
 * Why a stored hash will not be verified, or null when it may be. The reason names parameters
 * only, never hash material, so it can be logged.
 */
export function storedHashProblem(hash: string): string | null {
  const stored = parseStoredHash(hash);
  if (!stored) return "not an argon2 hash of the expected form";
  const { memoryKiB, timeCost, parallelism } = stored;
  const { maxMemoryKiB, maxTimeCost, maxParallelism } = storedHashBounds;
  const excesses = [
    memoryKiB > maxMemoryKiB ? `m=${memoryKiB} (at most ${maxMemoryKiB})` : null,
    timeCost > maxTimeCost ? `t=${timeCost} (at most ${maxTimeCost})` : null,
    parallelism > maxParallelism ? `p=${parallelism} (at most ${maxParallelism})` : null,
  ].filter((excess) => excess !== null);
  return excesses.length > 0 ? `argon2 parameters out of bounds: ${excesses.join(", ")}` : null;
}

/**
 * False for a wrong password, a malformed hash and a hash outside `storedHashBounds` (which is
 * not run): never throws on bad input.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (storedHashProblem(hash) !== null) return false;
  try {
    return await argon2.verify(hash, normalised(password));
  } catch {
    return false;
  }
}

/** True when the hash was not made by `hashPassword` today: another variant, version or parameters. */
export function needsRehash(hash: string): boolean {
  const stored = parseStoredHash(hash);
  return (
    stored === null ||
    stored.variant !== "argon2id" ||
    stored.version !== 0x13 ||
    stored.memoryKiB !== passwordHashOptions.memoryCost ||
    stored.timeCost !== passwordHashOptions.timeCost ||
    stored.parallelism !== passwordHashOptions.parallelism
  );
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification and always fails. Called when the email is unknown,
 * so that response time does not tell an attacker which emails have accounts.
 */
export async function verifyAgainstDummyHash(password: string): Promise<false> {
  dummyHash ??= hashPassword("dummy password that matches no account");
  await verifyPassword(await dummyHash, password);
  return false;
}
