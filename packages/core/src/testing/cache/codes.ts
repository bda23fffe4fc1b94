import { describe, expect, it } from 'vitest';
import { randomId, sha256Hex } from '../../crypto.js';
import type { AuthorizationCodeData } from '../../ports/index.js';
import { concurrently, type OpenCache, PAST_ONE_SECOND_MS, sleep, useCache } from './support.js';

function codeData(): AuthorizationCodeData {
  return {
    clientId: 3,
    userId: 7,
    redirectUri: 'https://app.example/callback',
    scopes: ['profile'],
    codeChallenge: null,
    familyId: randomId(),
    authTime: 1_700_000_000,
  };
}

const newCodeHash = () => sha256Hex(randomId(32));

export function describeAuthorizationCodeStoreContract(open: OpenCache): void {
  describe('AuthorizationCodeStore contract', () => {
    const cache = useCache(open);
    const codes = () => cache().codes;

    it('consumes a code once as fresh, then reports every replay with its family', async () => {
      const hash = newCodeHash();
      const data = { ...codeData(), codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' };
      await codes().put(hash, data, 60);
      expect(await codes().consume(hash, 60)).toEqual({ kind: 'fresh', data });
      expect(await codes().consume(hash, 60)).toEqual({ kind: 'replayed', data });
      expect(await codes().consume(hash, 60)).toEqual({ kind: 'replayed', data });
    });

    it('reports an unknown code as not_found', async () => {
      expect(await codes().consume(newCodeHash(), 60)).toEqual({ kind: 'not_found' });
    });

    it('of 20 concurrent consumers exactly one gets fresh, the rest replayed', async () => {
      const hash = newCodeHash();
      const data = codeData();
      await codes().put(hash, data, 60);
      const results = await concurrently(20, () => codes().consume(hash, 60));
      expect(results.filter((result) => result.kind === 'fresh')).toHaveLength(1);
      expect(results.filter((result) => result.kind === 'replayed')).toHaveLength(19);
      for (const result of results) expect(result).toHaveProperty('data.familyId', data.familyId);
    });

    it('hands out copies: mutating consumed data does not change what a replay sees', async () => {
      const hash = newCodeHash();
      const data = codeData();
      await codes().put(hash, data, 60);
      const first = await codes().consume(hash, 60);
      if (first.kind !== 'fresh') throw new Error(`expected fresh, got ${first.kind}`);
      first.data.scopes.push('admin');
      data.scopes.push('admin');
      expect(await codes().consume(hash, 60)).toEqual({
        kind: 'replayed',
        data: { ...data, scopes: ['profile'] },
      });
    });

    it('rejects a TTL or retention that is not a positive whole number of seconds', async () => {
      await expect(codes().put(newCodeHash(), codeData(), 0)).rejects.toBeInstanceOf(RangeError);
      await expect(codes().consume(newCodeHash(), 2.5)).rejects.toBeInstanceOf(RangeError);
    });

    it('expires unused codes after their TTL and spent codes after the retention', async () => {
      const unused = newCodeHash();
      const spentShortRetention = newCodeHash();
      const spentLongRetention = newCodeHash();
      await codes().put(unused, codeData(), 1);
      await codes().put(spentShortRetention, codeData(), 60);
      const data = codeData();
      await codes().put(spentLongRetention, data, 1);
      await codes().consume(spentShortRetention, 1);
      // Retention replaces the code's TTL, so a replay is recognised even after the code itself would have expired.
      await codes().consume(spentLongRetention, 60);
      await sleep(PAST_ONE_SECOND_MS);
      expect(await codes().consume(unused, 60)).toEqual({ kind: 'not_found' });
      expect(await codes().consume(spentShortRetention, 60)).toEqual({ kind: 'not_found' });
      expect(await codes().consume(spentLongRetention, 60)).toEqual({ kind: 'replayed', data });
    });
  });
}
