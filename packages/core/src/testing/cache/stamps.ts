import { describe, expect, it } from 'vitest';
import { concurrently, type OpenCache, PAST_ONE_SECOND_MS, sleep, uniqueKey, useCache } from './support.js';

export function describeStampStoreContract(open: OpenCache): void {
  describe('StampStore contract', () => {
    const cache = useCache(open);
    const stamps = () => cache().stamps;

    it('reads null for a key never set', async () => {
      expect(await stamps().get(uniqueKey('stamp'))).toBeNull();
    });

    it('set stores the value, and a second set replaces it', async () => {
      const key = uniqueKey('stamp');
      await stamps().set(key, 'v1', 60);
      expect(await stamps().get(key)).toBe('v1');
      await stamps().set(key, 'v2', 60);
      expect(await stamps().get(key)).toBe('v2');
    });

    it('claim sets an empty key and reports true; on a held key it reports false and changes nothing', async () => {
      const key = uniqueKey('stamp');
      expect(await stamps().claim(key, 'first', 60)).toBe(true);
      expect(await stamps().get(key)).toBe('first');
      expect(await stamps().claim(key, 'second', 60)).toBe(false);
      expect(await stamps().get(key)).toBe('first');
      await stamps().set(key, 'third', 60);
      expect(await stamps().claim(key, 'fourth', 60)).toBe(false);
      expect(await stamps().get(key)).toBe('third');
    });

    it('of 20 concurrent claims of one key exactly one wins, and its value is the one stored', async () => {
      const key = uniqueKey('stamp');
      const values = Array.from({ length: 20 }, (_, i) => `claimer-${i}`);
      let next = 0;
      const results = await concurrently(20, async () => {
        const value = values[next++]!;
        return { value, won: await stamps().claim(key, value, 60) };
      });
      const winners = results.filter((result) => result.won);
      expect(winners).toHaveLength(1);
      expect(await stamps().get(key)).toBe(winners[0]!.value);
    });

    it('keeps keys apart', async () => {
      const [a, b] = [uniqueKey('stamp'), uniqueKey('stamp')];
      await stamps().set(a, 'a', 60);
      expect(await stamps().get(b)).toBeNull();
      expect(await stamps().claim(b, 'b', 60)).toBe(true);
      expect(await stamps().get(a)).toBe('a');
      expect(await stamps().get(b)).toBe('b');
    });

    it('rejects a TTL that is not a positive whole number of seconds, for set and claim alike', async () => {
      for (const ttl of [0, -1, 1.5, Number.NaN]) {
        const key = uniqueKey('stamp');
        await expect(stamps().set(key, 'v', ttl)).rejects.toBeInstanceOf(RangeError);
        await expect(stamps().claim(key, 'v', ttl)).rejects.toBeInstanceOf(RangeError);
        expect(await stamps().get(key)).toBeNull();
      }
    });

    it('forgets values after their TTL; a later set replaces the expiry; an expired key can be claimed again', async () => {
      const [afterSet, afterClaim, extended, shortened] = [
        uniqueKey('set'),
        uniqueKey('claim'),
        uniqueKey('extended'),
        uniqueKey('shortened'),
      ];
      await stamps().set(afterSet, 'v', 1);
      expect(await stamps().claim(afterClaim, 'v', 1)).toBe(true);
      await stamps().set(extended, 'short', 1);
      await stamps().set(extended, 'long', 60);
      await stamps().set(shortened, 'long', 60);
      await stamps().set(shortened, 'short', 1);
      await sleep(PAST_ONE_SECOND_MS);
      expect(await stamps().get(afterSet)).toBeNull();
      expect(await stamps().get(afterClaim)).toBeNull();
      expect(await stamps().get(extended)).toBe('long');
      expect(await stamps().get(shortened)).toBeNull();
      expect(await stamps().claim(afterClaim, 'again', 60)).toBe(true);
      expect(await stamps().get(afterClaim)).toBe('again');
    });
  });
}
