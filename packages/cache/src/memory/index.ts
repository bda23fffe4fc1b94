import type {
  CacheStores,
  PendingAuthorizationRequest,
  PendingLogin,
  SessionData,
  WebAuthnChallenge,
} from '@gatehouse/core';
import { memoryAccessTokenStore } from './access-tokens.js';
import { memoryCodeStore } from './codes.js';
import { memoryDeviceGrantStore } from './device-grants.js';
import { memoryExpiringStore } from './expiring.js';
import { Keyspace } from './keyspace.js';
import { memoryRateLimitStore } from './rate-limits.js';
import { memoryStampStore } from './stamps.js';

export interface MemoryCacheOptions {
  /** Clock in milliseconds (default `Date.now`); tests pass a fake one to move time without waiting. */
  now?: () => number;
}

/** The cache ports in this process's memory: for the embedded single-process mode and for tests. */
export function createMemoryCache(options: MemoryCacheOptions = {}): CacheStores {
  const keyspace = new Keyspace(options.now ?? Date.now);
  return {
    sessions: memoryExpiringStore<SessionData>(keyspace),
    pendingRequests: memoryExpiringStore<PendingAuthorizationRequest>(keyspace),
    pendingLogins: memoryExpiringStore<PendingLogin>(keyspace),
    webauthnChallenges: memoryExpiringStore<WebAuthnChallenge>(keyspace),
    deviceGrants: memoryDeviceGrantStore(keyspace),
    codes: memoryCodeStore(keyspace),
    accessTokens: memoryAccessTokenStore(keyspace),
    rateLimits: memoryRateLimitStore(keyspace),
    stamps: memoryStampStore(keyspace),
    async ping() {
      keyspace.assertOpen();
    },
    async close() {
      keyspace.close();
    },
  };
}
