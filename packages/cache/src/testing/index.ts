import { randomBytes } from 'node:crypto';
import type { AccessTokenData, AuthorizationCodeData, CacheStores } from '@gatehouse/core';
import { createMemoryCache } from '../memory/index.js';
import { connectRedis } from '../redis/connect.js';
import { deleteKeysWithPrefix } from '../redis/delete-keys.js';
import { redisCacheOn } from '../redis/index.js';

/**
 * A fresh, empty cache for one test (or one test file). With a Redis URL (`REDIS_URL` unless given;
 * a `redis+cluster://` one names a cluster) it is Redis under a
 * unique key prefix, and `close()` deletes exactly the keys under that prefix (never FLUSHDB: other
 * suites may share the Redis); otherwise it is an in-memory cache.
 */
export async function createTestCache(url = process.env.REDIS_URL): Promise<CacheStores> {
  if (!url) return createMemoryCache();
  // Hex only, so the prefix is safe as a SCAN MATCH pattern.
  const keyPrefix = `ghtest:${randomBytes(8).toString('hex')}:`;
  const client = await connectRedis(url);
  const cache = redisCacheOn(client, keyPrefix);
  let closing: Promise<void> | undefined;
  return {
    ...cache,
    close() {
      closing ??= deleteKeysWithPrefix(client, keyPrefix).finally(() => cache.close());
      return closing;
    },
  };
}

/** An authorization code's data, for cache tests that only need a valid one. */
export const sampleCodeData: AuthorizationCodeData = {
  clientId: 2,
  userId: 1,
  redirectUri: 'https://app.example/cb',
  scopes: ['profile'],
  codeChallenge: null,
  familyId: 'f1',
  authTime: 0,
};

/** An access token's data of family `f1`, for cache tests that only need a valid one. */
export const sampleTokenData: AccessTokenData = {
  clientId: 2,
  clientPublicId: 'app',
  userId: 1,
  scopes: ['profile'],
  familyId: 'f1',
  issuedAt: 0,
  expiresAt: 60,
};
