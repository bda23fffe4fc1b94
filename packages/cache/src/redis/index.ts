import type {
  CacheStores,
  PendingAuthorizationRequest,
  PendingLogin,
  SessionData,
  WebAuthnChallenge,
} from '@gatehouse/core';
import { redisAccessTokenStore } from './access-tokens.js';
import { redisCodeStore } from './codes.js';
import type { RedisClient } from './connect.js';
import { connectRedis, disconnectRedis } from './connect.js';
import { redisDeviceGrantStore } from './device-grants.js';
import { redisExpiringStore } from './expiring.js';
import { failClosed } from './fail-closed.js';
import { redisKeys } from './keys.js';
import { redisRateLimitStore } from './rate-limits.js';
import { redisStampStore } from './stamps.js';

export interface RedisCacheOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Prepended to every key; lets tests share one Redis without seeing each other's keys. */
  keyPrefix?: string;
}

/**
 * The cache ports on Redis. Resolves once Redis answers, or rejects with `StoreUnavailableError`
 * after a few seconds; afterwards failures reject operations with `StoreUnavailableError` within
 * about a second, and the client reconnects by itself.
 */
export async function createRedisCache(options: RedisCacheOptions): Promise<CacheStores> {
  return redisCacheOn(await connectRedis(options.url), options.keyPrefix);
}

/** The cache ports on an open client, which `close()` disconnects. */
export function redisCacheOn(client: RedisClient, keyPrefix = ''): CacheStores {
  const keys = redisKeys(keyPrefix);
  return {
    sessions: redisExpiringStore<SessionData>(client, keys.session),
    pendingRequests: redisExpiringStore<PendingAuthorizationRequest>(client, keys.pendingRequest),
    pendingLogins: redisExpiringStore<PendingLogin>(client, keys.pendingLogin),
    webauthnChallenges: redisExpiringStore<WebAuthnChallenge>(client, keys.webauthnChallenge),
    deviceGrants: redisDeviceGrantStore(client, keys),
    codes: redisCodeStore(client, keys),
    accessTokens: redisAccessTokenStore(client, keys),
    rateLimits: redisRateLimitStore(client, keys),
    stamps: redisStampStore(client, keys),
    async ping() {
      await failClosed(() => client.ping());
    },
    close: () => disconnectRedis(client),
  };
}
