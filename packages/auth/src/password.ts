// Password hashing with argon2id. Parameters follow OWASP's minimum for argon2id (m=19 MiB, t=2,
// p=1); hashes made with weaker parameters are reported by `needsRehash` so that sign-in can
// upgrade them. Verifying against a dummy hash when a user does not exist keeps the timing of
// "unknown email" and "wrong password" the same.
import argon2 from "argon2";

export const passwordHashOptions = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, passwordHashOptions);
}

/** False for a wrong password and for a malformed hash: never throws on bad input. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** True when the hash was made with weaker parameters (or another algorithm) than the current ones. */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, passwordHashOptions);
  } catch {
    return true;
  }
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
