import { randomInt } from 'node:crypto';
import { sha256Hex } from '../crypto.js';

/**
 * SEC-67: recovery codes. Ten at a time, shown once at enrolment, stored as SHA-256 only,
 * each good for one sign-in. A code is 10 characters of Crockford's base32 (50 random bits), shown as `xxxxx-xxxxx`; typing ignores case, spaces and
 * dashes. 50 bits against a throttled form needs no slow hash.
 */
export const RECOVERY_CODE_COUNT = 10;

/** Crockford's base32 alphabet: no i, l, o or u; typed look-alikes are read as what they look like. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 10;
const SHAPE = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`);

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** The canonical form of a typed code, or null when it cannot be one. */
export function canonicalRecoveryCode(input: string): string | null {
  const code = input
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
  return SHAPE.test(code) ? code : null;
}

/** What is stored for a code (the code itself never is). */
export function recoveryCodeHash(canonical: string): string {
  return sha256Hex(`gatehouse-recovery-code:${canonical}`);
}
