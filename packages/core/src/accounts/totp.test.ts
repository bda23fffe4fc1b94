import { describe, expect, it } from 'vitest';
import {
  checkTotpCode,
  decryptTotpSecret,
  encryptTotpSecret,
  newTotpSecret,
  normaliseTotpCode,
  TOTP,
  totpCodeAt,
  totpSecretKey,
  totpUri,
} from './totp.js';

// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890", base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const T = 1_700_000_000_000;
const STEP = Math.floor(T / 1000 / TOTP.periodSeconds);

describe('TOTP codes (SEC-66)', () => {
  it('match the RFC 6238 test vectors (6-digit truncation)', async () => {
    expect(await totpCodeAt(RFC_SECRET, 59_000)).toBe('287082');
    expect(await totpCodeAt(RFC_SECRET, 1_111_111_109_000)).toBe('081804');
    expect(await totpCodeAt(RFC_SECRET, 2_000_000_000_000)).toBe('279037');
  });

  it('accept the current step and one either side, not two', async () => {
    const secret = newTotpSecret();
    const code = await totpCodeAt(secret, T);
    expect(await checkTotpCode(secret, code, T, null)).toEqual({ valid: true, step: STEP });
    expect(await checkTotpCode(secret, code, T + 30_000, null)).toEqual({ valid: true, step: STEP });
    expect(await checkTotpCode(secret, code, T - 30_000, null)).toEqual({ valid: true, step: STEP });
    expect(await checkTotpCode(secret, code, T + 60_000, null)).toEqual({ valid: false });
    expect(await checkTotpCode(secret, code, T - 60_000, null)).toEqual({ valid: false });
  });

  it('refuse a code of a step already used, and of any earlier step', async () => {
    const secret = newTotpSecret();
    const code = await totpCodeAt(secret, T);
    expect(await checkTotpCode(secret, code, T, STEP)).toEqual({ valid: false });
    expect(await checkTotpCode(secret, code, T, STEP + 1)).toEqual({ valid: false });
    expect(await checkTotpCode(secret, code, T, STEP - 1)).toEqual({ valid: true, step: STEP });
    const next = await totpCodeAt(secret, T + 30_000);
    expect(await checkTotpCode(secret, next, T, STEP)).toEqual({ valid: true, step: STEP + 1 });
  });

  it('refuse another secret and anything that is not six digits; spaces are allowed', async () => {
    const secret = newTotpSecret();
    const code = await totpCodeAt(secret, T);
    expect(await checkTotpCode(newTotpSecret(), code, T, null)).toEqual({ valid: false });
    expect(await checkTotpCode(secret, `${code.slice(0, 3)} ${code.slice(3)}`, T, null)).toMatchObject({
      valid: true,
    });
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}\u0000`]) {
      expect(normaliseTotpCode(bad)).toBeNull();
      expect(await checkTotpCode(secret, bad, T, null)).toEqual({ valid: false });
    }
  });

  it('new secrets are 160-bit base32 and differ; the URI carries issuer, account and settings', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri({ issuer: 'Gatehouse', account: 'kim', secret }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Gatehouse:kim');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Gatehouse');
  });
});

describe('TOTP secrets at rest (SEC-65)', () => {
  const key = totpSecretKey('k'.repeat(32));

  it('round-trip for the same user and key; the stored form does not contain the secret', async () => {
    const secret = newTotpSecret();
    const stored = await encryptTotpSecret(secret, 7, key);
    expect(stored).not.toContain(secret);
    expect(await decryptTotpSecret(stored, 7, key)).toBe(secret);
  });

  it('do not decrypt for another user, under another secret, or under the signing-key purpose', async () => {
    const stored = await encryptTotpSecret(newTotpSecret(), 7, key);
    await expect(decryptTotpSecret(stored, 8, key)).rejects.toThrow('another kid');
    await expect(decryptTotpSecret(stored, 7, totpSecretKey('o'.repeat(32)))).rejects.toThrow();
    const { deriveKeyEncryptionKey } = await import('../oidc/key-encryption.js');
    await expect(decryptTotpSecret(stored, 7, deriveKeyEncryptionKey('k'.repeat(32)))).rejects.toThrow();
  });
});
