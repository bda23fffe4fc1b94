import { describe, expect, it } from 'vitest';
import { randomBase64url, randomId, randomToken, TOKEN_PREFIX } from './crypto.js';

const decoded = (value: string) => Buffer.from(value, 'base64url');

describe('random values', () => {
  it('gives the requested number of bytes, behind the prefix', () => {
    const token = randomToken(TOKEN_PREFIX.refreshToken);
    expect(token.startsWith('gth_rt_')).toBe(true);
    expect(decoded(token.slice('gth_rt_'.length))).toHaveLength(32);
    expect(decoded(randomId())).toHaveLength(16);
    expect(decoded(randomBase64url(5000))).toHaveLength(5000);
  });

  it('never hands out the same bytes twice, across refills of the pool', () => {
    // 3,000 tokens of 32 bytes span 23 refills of the 4 KiB pool.
    const tokens = Array.from({ length: 3000 }, () => randomToken(''));
    expect(new Set(tokens).size).toBe(tokens.length);
    // No 32-byte value may reappear as any part of another: slices never overlap.
    const chunks = new Set(tokens.flatMap((token) => [token.slice(0, 20), token.slice(22)]));
    expect(chunks.size).toBe(tokens.length * 2);
  });

  it('uses every byte value (draws come from the CSPRNG, not a fixed pattern)', () => {
    const seen = new Set([...decoded(randomBase64url(4096)), ...decoded(randomBase64url(4096))]);
    expect(seen.size).toBe(256);
  });
});
