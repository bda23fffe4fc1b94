import { describe, expect, it } from 'vitest';
import type { SigningKeyRecord } from '../../ports/signing-keys.js';
import { type OpenDurableStores, unique, useStores } from './fixtures.js';

function key(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const kid = unique('kid-');
  return {
    kid,
    alg: 'RS256',
    publicJwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid, alg: 'RS256', use: 'sig' },
    encryptedPrivateJwk: `header.${kid}.iv.ciphertext.tag`,
    // Whole milliseconds: what every store can round-trip.
    createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    activatesAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    ...overrides,
  };
}

export function describeSigningKeyStoreContract(open: OpenDurableStores): void {
  describe('SigningKeyStore', () => {
    const stores = useStores(open);
    const mine = async (kids: string[]) =>
      (await stores().signingKeys.list()).filter((k) => kids.includes(k.kid));

    it('stores keys and lists them as stored, oldest activation first', async () => {
      const later = key({ alg: 'ES256', activatesAt: new Date(Date.UTC(2031, 0, 1)) });
      const earlier = key({ activatesAt: new Date(Date.UTC(2030, 0, 1)) });
      await stores().signingKeys.insert(later);
      await stores().signingKeys.insert(earlier);
      expect(await mine([later.kid, earlier.kid])).toEqual([earlier, later]);
    });

    it('refuses a second key with the same kid', async () => {
      const first = key();
      await stores().signingKeys.insert(first);
      await expect(stores().signingKeys.insert({ ...key(), kid: first.kid })).rejects.toMatchObject({
        name: 'DuplicateError',
      });
    });

    it('deletes only the named keys', async () => {
      const gone = key();
      const kept = key();
      await stores().signingKeys.insert(gone);
      await stores().signingKeys.insert(kept);
      expect(await stores().signingKeys.delete([gone.kid, unique('missing-')])).toBe(1);
      expect(await stores().signingKeys.delete([])).toBe(0);
      expect(await mine([gone.kid, kept.kid])).toEqual([kept]);
    });
  });
}
