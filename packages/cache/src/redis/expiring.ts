import type { ExpiringStore } from '@gatehouse/core';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import type { RedisClient } from './connect.js';
import { failClosed } from './fail-closed.js';

export function redisExpiringStore<T>(client: RedisClient, key: (id: string) => string): ExpiringStore<T> {
  return {
    async put(id, value, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      await failClosed(() => client.set(key(id), encode(value), 'EX', ttlSeconds));
    },
    async get(id) {
      return decode<T>(await failClosed(() => client.get(key(id))));
    },
    async take(id) {
      // GETDEL, never GET then DEL: of concurrent takers only one can see the value.
      return decode<T>(await failClosed(() => client.getdel(key(id))));
    },
    async delete(id) {
      await failClosed(() => client.del(key(id)));
    },
  };
}
