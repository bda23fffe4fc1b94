import { describe, expect, it } from 'vitest';
import type { SigningAlg, SigningKeyRecord } from '../ports/signing-keys.js';
import {
  ID_TOKEN_TTL_SECONDS,
  JWKS_MAX_AGE_SECONDS,
  KEY_RELOAD_SECONDS,
  keyStatus,
  MIN_PUBLICATION_DELAY_SECONDS,
  publishedKeys,
  retiredKeys,
  signingKeyAt,
} from './key-schedule.js';

const T0 = Date.UTC(2026, 0, 1);
const S = 1000;

function key(kid: string, activatesAt: number, alg: SigningAlg = 'RS256'): SigningKeyRecord {
  return {
    kid,
    alg,
    publicJwk: { kid },
    encryptedPrivateJwk: 'x',
    createdAt: new Date(activatesAt),
    activatesAt: new Date(activatesAt),
  };
}

describe('the signing-key schedule (SEC-43)', () => {
  const first = key('a', T0);
  const delay = MIN_PUBLICATION_DELAY_SECONDS * S;
  const rotatedAt = T0 + 3600 * S;
  const second = { ...key('b', rotatedAt + delay), createdAt: new Date(rotatedAt) };
  const ec = key('e', T0, 'ES256');
  const keys = [second, ec, first];

  it('signs with the latest activated key of the alg; a rotated-in key waits for its activation', () => {
    expect(signingKeyAt(keys, 'RS256', T0 - 1)).toBeNull();
    expect(signingKeyAt(keys, 'RS256', rotatedAt + delay - 1)?.kid).toBe('a');
    expect(signingKeyAt(keys, 'RS256', rotatedAt + delay)?.kid).toBe('b');
    expect(signingKeyAt(keys, 'ES256', rotatedAt + delay)?.kid).toBe('e');
  });

  it('publishes the next key at once and the old one until its last token has expired', () => {
    expect(keyStatus(keys, second, rotatedAt)).toBe('next');
    expect(publishedKeys(keys, rotatedAt).map((k) => k.kid)).toEqual(['a', 'e', 'b']);
    const switchAt = rotatedAt + delay;
    expect(keyStatus(keys, first, switchAt)).toBe('retiring');
    expect(keyStatus(keys, second, switchAt)).toBe('current');
    const lastTokenExpires = switchAt + ID_TOKEN_TTL_SECONDS * S;
    expect(publishedKeys(keys, lastTokenExpires).map((k) => k.kid)).toContain('a');
    const gone = switchAt + 2 * ID_TOKEN_TTL_SECONDS * S;
    expect(keyStatus(keys, first, gone)).toBe('retired');
    expect(publishedKeys(keys, gone).map((k) => k.kid)).toEqual(['e', 'b']);
  });

  it('names for deletion exactly the superseded keys whose last token has expired, never a signing one', () => {
    const switchAt = rotatedAt + delay;
    expect(retiredKeys(keys, rotatedAt)).toEqual([]);
    expect(retiredKeys(keys, switchAt + ID_TOKEN_TTL_SECONDS * S)).toEqual([]);
    const gone = switchAt + 2 * ID_TOKEN_TTL_SECONDS * S;
    expect(retiredKeys(keys, gone).map((k) => k.kid)).toEqual(['a']);
    // Without the retired key the schedule of the others is unchanged.
    const rest = keys.filter((k) => k.kid !== 'a');
    for (const t of [gone, gone + 10 * ID_TOKEN_TTL_SECONDS * S]) {
      expect(signingKeyAt(rest, 'RS256', t)?.kid).toBe('b');
      expect(publishedKeys(rest, t)).toEqual(publishedKeys(keys, t));
      expect(retiredKeys(keys, t).map((k) => k.kid)).toEqual(['a']);
    }
  });

  it('never signs with a key a client caching the JWKS for its max-age could not know', () => {
    // A client's copy of the JWKS is at most JWKS_MAX_AGE old, and the process that served it
    // had read the keys at most KEY_RELOAD earlier: the key signing at t must have been
    // published at t − (max-age + reload).
    const staleness = (JWKS_MAX_AGE_SECONDS + KEY_RELOAD_SECONDS) * S;
    for (let t = T0; t < rotatedAt + 3 * delay; t += 7 * S) {
      const signing = signingKeyAt(keys, 'RS256', t)!;
      const seenAt = t - staleness;
      const inCopy = keys.some((k) => k.kid === signing.kid && k.createdAt.getTime() <= seenAt);
      expect(inCopy || signing.kid === 'a', `at ${t - T0}`).toBe(true);
      // …and every token signed until then still validates against the JWKS served now.
      expect(publishedKeys(keys, t).map((k) => k.kid)).toContain(
        signingKeyAt(keys, 'RS256', t - 3000 * S)?.kid ?? 'a',
      );
    }
  });
});
