import type { StampStore } from '@gatehouse/core';
import { assertSeconds } from '../seconds.js';
import type { Keyspace } from './keyspace.js';

export function memoryStampStore(keyspace: Keyspace): StampStore {
  const stamps = keyspace.map<string>();
  return {
    async get(key) {
      return stamps.get(key) ?? null;
    },
    // No await between the check and the set: one claimer runs this to the end before another starts.
    async claim(key, value, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      if (stamps.get(key) !== undefined) return false;
      stamps.set(key, value, ttlSeconds * 1000);
      return true;
    },
    async set(key, value, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      stamps.set(key, value, ttlSeconds * 1000);
    },
  };
}
