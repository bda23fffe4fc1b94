import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../store-errors.js';
import { describeAccessTokenStoreContract } from './access-tokens.js';
import { describeAuthorizationCodeStoreContract } from './codes.js';
import { describeDeviceGrantStoreContract } from './device-grants.js';
import { describeExpiringStoreContract } from './expiring.js';
import { describeRateLimitStoreContract } from './rate-limits.js';
import { describeStampStoreContract } from './stamps.js';
import { type OpenCache, uniqueKey } from './support.js';

/** Every cache port's contract plus the lifecycle of `CacheStores` itself. */
export function describeCacheStoresContract(open: OpenCache): void {
  describeExpiringStoreContract(open);
  describeAuthorizationCodeStoreContract(open);
  describeDeviceGrantStoreContract(open);
  describeAccessTokenStoreContract(open);
  describeRateLimitStoreContract(open);
  describeStampStoreContract(open);

  describe('CacheStores lifecycle', () => {
    it('answers ping while open', async () => {
      const cache = await open();
      try {
        await expect(cache.ping()).resolves.toBeUndefined();
      } finally {
        await cache.close();
      }
    });

    it('fails closed once closed: ping and operations reject with StoreUnavailableError; close is idempotent', async () => {
      const cache = await open();
      await cache.close();
      await expect(cache.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.sessions.get(uniqueKey('k'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.codes.consume(uniqueKey('k'), 60)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.accessTokens.get(uniqueKey('k'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.rateLimits.hit(uniqueKey('k'), 60)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.stamps.get(uniqueKey('k'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.stamps.claim(uniqueKey('k'), 'v', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.stamps.set(uniqueKey('k'), 'v', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(cache.close()).resolves.toBeUndefined();
    });
  });
}
