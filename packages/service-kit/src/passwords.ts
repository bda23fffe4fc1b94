import argon2 from 'argon2';

/** OWASP's argon2id baseline (19 MiB, 2 passes): strong, yet ~20 ms here so logins stay quick. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

/** Constant-time verification (argon2 compares internally). A malformed hash verifies as false. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Verified against when the user does not exist, so unknown users cost the same time as wrong passwords. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('gatehouse-timing-equaliser');
  return dummyHash;
}
