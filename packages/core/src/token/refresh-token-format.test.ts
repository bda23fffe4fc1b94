import { describe, expect, it } from 'vitest';
import { randomToken, sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import { mintFamilyToken, mintNewFamilyToken, readRefreshToken } from './refresh-token-format.js';

describe('refresh token format', () => {
  it('names its family and generation, and keeps the family key across rotations', () => {
    const first = mintNewFamilyToken('fam_1');
    expect(first.value).toMatch(/^gth_rt_fam_1\.0\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const next = mintFamilyToken(first.familyId, first.generation + 1, first.key);
    expect(readRefreshToken(next.value)).toEqual({
      format: 'family',
      tokenHash: sha256Hex(next.value),
      familyId: 'fam_1',
      generation: 1,
      key: first.key,
      keyHash: first.keyHash,
    });
    expect(next.hash).not.toBe(first.hash);
  });

  it('reads a token from before families, and anything malformed, as legacy: found by hash or not at all', () => {
    const legacy = randomToken(TOKEN_PREFIX.refreshToken);
    expect(readRefreshToken(legacy)).toEqual({ format: 'legacy', tokenHash: sha256Hex(legacy) });
    for (const bad of [
      'gth_rt_a.01.k.s',
      'gth_rt_a.-1.k.s',
      'gth_rt_a.1.k',
      'gth_rt_a.1..s',
      'x.1.k.s',
      'gth_rt_a.99999999999.k.s',
    ]) {
      expect(readRefreshToken(bad).format).toBe('legacy');
    }
  });
});
