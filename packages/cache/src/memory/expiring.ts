import type { ExpiringStore } from '@gatehouse/core';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import type { Keyspace } from './keyspace.js';

export function memoryExpiringStore<T>(keyspace: Keyspace): ExpiringStore<T> {
  const entries = keyspace.map<string>();
  return {
    async put(key, value, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      entries.set(key, encode(value), ttlSeconds * 1000);
    },
    async get(key) {
      return decode<T>(entries.get(key));
    },
    async take(key) {
      const raw = entries.get(key);
      entries.delete(key);
      return decode<T>(raw);
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
