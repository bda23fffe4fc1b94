import type { StampStore } from '@gatehouse/core';
import { assertSeconds } from '../seconds.js';
import type { RedisClient } from './connect.js';
import { failClosed } from './fail-closed.js';
import type { RedisKeys } from './keys.js';

export function redisStampStore(client: RedisClient, keys: RedisKeys): StampStore {
  return {
    async get(key) {
      return failClosed(() => client.get(keys.stamp(key)));
    },
    async claim(key, value, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      // SET NX: Redis decides which of concurrent claimers sets the key; the others get null.
      return (await failClosed(() => client.set(keys.stamp(key), value, 'EX', ttlSeconds, 'NX'))) === 'OK';
    },
    async set(key, value, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      // A plain SET EX replaces the value and its expiry together.
      await failClosed(() => client.set(keys.stamp(key), value, 'EX', ttlSeconds));
    },
  };
}
