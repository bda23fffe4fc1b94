import { describe, expect, it } from 'vitest';
import {
  canonicalRecoveryCode,
  newRecoveryCodes,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from './recovery-codes.js';

describe('recovery codes (SEC-67)', () => {
  it('ten distinct codes shaped xxxxx-xxxxx from the Crockford alphabet', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it('typing ignores case, spaces and dashes, and reads look-alikes as digits', () => {
    const [code] = newRecoveryCodes(1);
    const canonical = code!.replace('-', '');
    expect(canonicalRecoveryCode(code!)).toBe(canonical);
    expect(canonicalRecoveryCode(` ${code!.toUpperCase()} `)).toBe(canonical);
    expect(canonicalRecoveryCode('abcde fghjk')).toBe('abcdefghjk');
    expect(canonicalRecoveryCode('O1IL0-abcde')).toBe('01110abcde');
  });

  it('refuses what cannot be a code', () => {
    for (const bad of ['', 'abcd-efgh', 'abcde-fghjkm', 'abcde-fghju', 'abcde_fghjk', 'abcde-fghj\u0000']) {
      expect(canonicalRecoveryCode(bad)).toBeNull();
    }
  });

  it('stores only a hash, the same for every spelling of one code', () => {
    const hash = recoveryCodeHash('abcdefghjk');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('abcdefghjk');
    expect(recoveryCodeHash(canonicalRecoveryCode('ABCDE-FGHJK')!)).toBe(hash);
    expect(recoveryCodeHash('abcdefghjm')).not.toBe(hash);
  });
});
