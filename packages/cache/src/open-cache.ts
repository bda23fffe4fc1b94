import type { CacheStores } from '@gatehouse/core';
import { createMemoryCache } from './memory/index.js';
import { createRedisCache } from './redis/index.js';

/** The cache configuration asks for: Redis when `REDIS_URL` is set, else this process's memory. */
export async function openCache({ redisUrl }: { redisUrl: string | null }): Promise<CacheStores> {
  return redisUrl ? createRedisCache({ url: redisUrl }) : createMemoryCache();
}
