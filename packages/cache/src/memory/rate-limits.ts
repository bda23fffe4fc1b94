import type { RateLimitState, RateLimitStore } from '@gatehouse/core';
import { assertSeconds, secondsLeft } from '../seconds.js';
import type { Keyspace } from './keyspace.js';

export function memoryRateLimitStore(keyspace: Keyspace): RateLimitStore {
  const counters = keyspace.map<number>();
  const state = (key: string): RateLimitState => ({
    count: counters.get(key) ?? 0,
    retryAfterSeconds: secondsLeft(counters.msLeft(key)),
  });
  return {
    async hit(key, windowSeconds) {
      assertSeconds('windowSeconds', windowSeconds);
      const count = counters.get(key);
      if (count === undefined) counters.set(key, 1, windowSeconds * 1000);
      else counters.replace(key, count + 1);
      return state(key);
    },
    async peek(key) {
      return state(key);
    },
    async reset(key) {
      counters.delete(key);
    },
  };
}
