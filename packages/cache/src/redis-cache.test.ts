import { describeCacheStoresContract } from '@gatehouse/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisCache } from './index.js';
import { connectRedis } from './redis/connect.js';
import { deleteKeysWithPrefix } from './redis/delete-keys.js';
import { redisCacheOn } from './redis/index.js';
import {
  sampleCodeData as codeData,
  createTestCache,
  sampleTokenData as tokenData,
} from './testing/index.js';

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl)('redis cache', () => {
  describeCacheStoresContract(createTestCache);

  describe('on the shared Redis', () => {
    let raw: Redis;
    beforeAll(() => {
      raw = new Redis(redisUrl!);
    });
    afterAll(async () => {
      await raw.quit();
    });

    const prefixed = async (keyPrefix: string) => (await raw.keys(`${keyPrefix}*`)).sort();

    it('lays keys out under the prefix by namespace, every one with a TTL', async () => {
      const keyPrefix = `ghtest:layout-${Date.now()}:`;
      const cache = await createRedisCache({ url: redisUrl!, keyPrefix });
      try {
        await cache.sessions.put('s1', { userId: 1, csrfToken: 'c', authTime: 0 }, 60);
        await cache.pendingRequests.put('r1', pendingRequest, 60);
        await cache.codes.put('c1', codeData, 60);
        await cache.codes.put('c2', codeData, 60);
        await cache.codes.consume('c2', 30);
        await cache.accessTokens.put('t1', tokenData, 60);
        await cache.rateLimits.hit('login:ip:192.0.2.1', 60);
        await cache.stamps.set('client:1', 'v1', 60);
        await cache.stamps.claim('client:2', 'v1', 60);
        const keys = await prefixed(keyPrefix);
        expect(keys).toEqual(
          [
            'at:t1',
            'code:c1',
            'code:c2',
            'fam:f1',
            'req:r1',
            'rl:login:ip:192.0.2.1',
            'sess:s1',
            'stamp:client:1',
            'stamp:client:2',
          ].map((key) => `${keyPrefix}gh:${key}`),
        );
        for (const key of keys) expect(await raw.ttl(key)).toBeGreaterThan(0);
      } finally {
        await deleteKeysWithPrefix(raw, keyPrefix);
        await cache.close();
      }
    });

    it('serves the hot path in one round trip per call', async () => {
      const keyPrefix = `ghtest:round-trips-${Date.now()}:`;
      const client = await connectRedis(redisUrl!);
      const cache = redisCacheOn(client, keyPrefix);
      try {
        // Warm-up: the first run of a script after a Redis restart costs one extra NOSCRIPT round trip.
        await cache.accessTokens.put('warm', tokenData, 60);
        await cache.codes.consume('warm', 60);
        const sent = vi.spyOn(client, 'sendCommand');
        const roundTrips = async (operation: () => Promise<unknown>) => {
          sent.mockClear();
          await operation();
          return sent.mock.calls.length;
        };
        expect(await roundTrips(() => cache.accessTokens.put('t', tokenData, 60))).toBe(1);
        expect(await roundTrips(() => cache.accessTokens.get('t'))).toBe(1);
        expect(await roundTrips(() => cache.codes.put('c', codeData, 60))).toBe(1);
        expect(await roundTrips(() => cache.codes.consume('c', 60))).toBe(1);
        expect(await roundTrips(() => cache.rateLimits.hit('r', 60))).toBe(1);
        expect(await roundTrips(() => cache.stamps.get('s'))).toBe(1);
        expect(await roundTrips(() => cache.stamps.claim('s', 'v1', 60))).toBe(1);
        expect(await roundTrips(() => cache.stamps.set('s', 'v2', 60))).toBe(1);
      } finally {
        await deleteKeysWithPrefix(client, keyPrefix);
        await cache.close();
      }
    });

    it('createTestCache: close deletes its own keys and no one else’s', async () => {
      const [mine, theirs] = [await createTestCache(), await createTestCache()];
      const id = `own-keys-${Date.now()}`;
      await mine.sessions.put(`${id}-mine`, { userId: 1, csrfToken: 'c', authTime: 0 }, 60);
      await theirs.sessions.put(`${id}-theirs`, { userId: 2, csrfToken: 'c', authTime: 0 }, 60);
      await mine.close();
      expect(await raw.keys(`ghtest:*:gh:sess:${id}-mine`)).toEqual([]);
      expect(await raw.keys(`ghtest:*:gh:sess:${id}-theirs`)).toHaveLength(1);
      await theirs.close();
      expect(await raw.keys(`ghtest:*:gh:sess:${id}-*`)).toEqual([]);
    });
  });
});

const pendingRequest = {
  userId: 1,
  clientId: 2,
  redirectUri: 'https://app.example/cb',
  scopes: ['profile'],
  state: 's',
  codeChallenge: null,
  autoAuthorize: false,
};
