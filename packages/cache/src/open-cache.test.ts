import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { openCache } from './index.js';

const session = { userId: 1, csrfToken: 'c', authTime: 0 };

describe('openCache', () => {
  it('uses memory when there is no Redis URL', async () => {
    const cache = await openCache({ redisUrl: null });
    await cache.sessions.put('s', session, 60);
    expect(await cache.sessions.get('s')).toEqual(session);
    await cache.close();
  });

  it.skipIf(!process.env.REDIS_URL)('uses Redis when given a URL', async () => {
    const redisUrl = process.env.REDIS_URL!;
    const [cache, raw] = [await openCache({ redisUrl }), new Redis(redisUrl)];
    const id = `open-cache-test-${randomUUID()}`;
    try {
      await cache.sessions.put(id, session, 60);
      expect(await raw.exists(`gh:sess:${id}`)).toBe(1);
    } finally {
      await cache.sessions.delete(id);
      await Promise.all([cache.close(), raw.quit()]);
    }
  });
});
