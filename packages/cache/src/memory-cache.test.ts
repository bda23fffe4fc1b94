import type { SessionData } from '@gatehouse/core';
import { describeCacheStoresContract } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemoryCache } from './index.js';

describe('memory cache', () => {
  describeCacheStoresContract(async () => createMemoryCache());

  it('reads time from the clock it is given', async () => {
    let now = 1_000_000;
    const cache = createMemoryCache({ now: () => now });
    const session: SessionData = { userId: 1, csrfToken: 'c', authTime: 0 };
    await cache.sessions.put('s', session, 60);
    expect(await cache.rateLimits.hit('r', 60)).toEqual({ count: 1, retryAfterSeconds: 60 });
    expect(await cache.stamps.claim('st', 'v1', 60)).toBe(true);
    now += 59_001;
    expect(await cache.sessions.get('s')).toEqual(session);
    expect(await cache.rateLimits.peek('r')).toEqual({ count: 1, retryAfterSeconds: 1 });
    expect(await cache.stamps.get('st')).toBe('v1');
    now += 999;
    expect(await cache.sessions.get('s')).toBeNull();
    expect(await cache.rateLimits.peek('r')).toEqual({ count: 0, retryAfterSeconds: 0 });
    expect(await cache.stamps.get('st')).toBeNull();
    expect(await cache.stamps.claim('st', 'v2', 60)).toBe(true);
    await cache.close();
  });
});
