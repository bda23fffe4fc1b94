import { afterEach, beforeEach } from 'vitest';
import { randomId } from '../../crypto.js';
import type { CacheStores } from '../../ports/index.js';

/** Opens a fresh, empty cache; its `close()` releases it (and, for a shared Redis, removes its keys). */
export type OpenCache = () => Promise<CacheStores>;

/**
 * Opens a cache before each test and closes it after, so every test starts empty.
 * Returns a getter because the cache only exists once `beforeEach` has run.
 */
export function useCache(open: OpenCache): () => CacheStores {
  let cache: CacheStores | undefined;
  beforeEach(async () => {
    cache = await open();
  });
  afterEach(async () => {
    await cache?.close();
    cache = undefined;
  });
  return () => {
    if (!cache) throw new Error('the cache is only open inside a test');
    return cache;
  };
}

/**
 * Long enough for a 1 s TTL to have passed on Redis (millisecond expiry) and in memory,
 * short enough that the few expiry tests stay cheap.
 */
export const PAST_ONE_SECOND_MS = 1300;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keys are unique per test so that a shared store never sees another test's state. */
export function uniqueKey(label: string): string {
  return `${label}-${randomId(12)}`;
}

/** Runs `count` copies of `operation` at once, as concurrent requests would. */
export function concurrently<T>(count: number, operation: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, operation));
}
