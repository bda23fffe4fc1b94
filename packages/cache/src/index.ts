export { createMemoryCache, type MemoryCacheOptions } from './memory/index.js';
export { openCache } from './open-cache.js';
export { createRedisCache, type RedisCacheOptions } from './redis/index.js';
