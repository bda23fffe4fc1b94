import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1: 20 consonants, no vowels (no words), no look-alikes such as 0/O or 1/I.
 * Eight of them are 34.6 bits: with attempts throttled per session and per address, and
 * codes living 10 minutes, guessing someone's code is out of reach.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i += 1)
    code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** `BCDF-GHJK`: how the code is shown and printed. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, as stored: case, dashes and spaces do not matter (RFC 8628 §6.1);
 * null when it cannot be a user code at all.
 */
export function normalizeUserCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const char of code) if (!USER_CODE_ALPHABET.includes(char)) return null;
  return code;
}
