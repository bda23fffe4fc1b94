import { describe, expect, it } from 'vitest';
import { concurrently, type OpenCache, PAST_ONE_SECOND_MS, sleep, uniqueKey, useCache } from './support.js';

export function describeRateLimitStoreContract(open: OpenCache): void {
  describe('RateLimitStore contract', () => {
    const cache = useCache(open);
    const limits = () => cache().rateLimits;

    it('reports no hits and no window for an unknown key', async () => {
      expect(await limits().peek(uniqueKey('rl'))).toEqual({ count: 0, retryAfterSeconds: 0 });
    });

    it('counts hits in a window that starts at the first hit; peek does not count', async () => {
      const key = uniqueKey('rl');
      expect(await limits().hit(key, 60)).toEqual({ count: 1, retryAfterSeconds: 60 });
      expect((await limits().hit(key, 60)).count).toBe(2);
      const state = await limits().peek(key);
      expect(state.count).toBe(2);
      expect(state.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(state.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await limits().peek(key)).count).toBe(2);
    });

    it('keeps the window of the first hit when later hits name another length', async () => {
      const key = uniqueKey('rl');
      await limits().hit(key, 60);
      expect((await limits().hit(key, 5)).retryAfterSeconds).toBeGreaterThan(5);
    });

    it('counts every one of 20 concurrent hits exactly once', async () => {
      const key = uniqueKey('rl');
      const states = await concurrently(20, () => limits().hit(key, 60));
      const counts = states.map((state) => state.count).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await limits().peek(key)).count).toBe(20);
    });

    it('keeps keys apart', async () => {
      const [a, b] = [uniqueKey('rl'), uniqueKey('rl')];
      await limits().hit(a, 60);
      await limits().hit(a, 60);
      expect(await limits().hit(b, 60)).toMatchObject({ count: 1 });
    });

    it('reset clears the count and the window', async () => {
      const key = uniqueKey('rl');
      await limits().hit(key, 60);
      await limits().hit(key, 60);
      await limits().reset(key);
      expect(await limits().peek(key)).toEqual({ count: 0, retryAfterSeconds: 0 });
      expect((await limits().hit(key, 60)).count).toBe(1);
      await expect(limits().reset(uniqueKey('unknown'))).resolves.toBeUndefined();
    });

    it('rejects a window that is not a positive whole number of seconds', async () => {
      await expect(limits().hit(uniqueKey('rl'), 0)).rejects.toBeInstanceOf(RangeError);
    });

    it('starts over once the window has passed', async () => {
      const key = uniqueKey('rl');
      await limits().hit(key, 1);
      expect((await limits().hit(key, 1)).retryAfterSeconds).toBe(1);
      await sleep(PAST_ONE_SECOND_MS);
      expect(await limits().peek(key)).toEqual({ count: 0, retryAfterSeconds: 0 });
      expect(await limits().hit(key, 1)).toEqual({ count: 1, retryAfterSeconds: 1 });
    });
  });
}
