import type { RateLimitState, RateLimitStore } from '@gatehouse/core';
import { assertSeconds, secondsLeft } from '../seconds.js';
import type { RedisClient } from './connect.js';
import { failClosed } from './fail-closed.js';
import type { RedisKeys } from './keys.js';
import { defineScript } from './script.js';

// KEYS[1] counter; ARGV[1] window seconds. Returns {count, milliseconds left}. The window starts
// with the first hit; `PTTL < 0` also repairs a counter that somehow lost its TTL, so none lives forever.
const HIT = `
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1]) * 1000
end
return {count, left}
`;

// KEYS[1] counter. Returns {count, milliseconds left}, read together.
const PEEK = `
local count = redis.call('GET', KEYS[1])
if not count then return {0, 0} end
return {tonumber(count), redis.call('PTTL', KEYS[1])}
`;

const toState = (reply: unknown): RateLimitState => {
  const [count, msLeft] = reply as [number, number];
  return { count, retryAfterSeconds: secondsLeft(msLeft) };
};

export function redisRateLimitStore(client: RedisClient, keys: RedisKeys): RateLimitStore {
  const hit = defineScript(client, 'gatehouseHitRateLimit', 1, HIT);
  const peek = defineScript(client, 'gatehousePeekRateLimit', 1, PEEK);
  return {
    async hit(key, windowSeconds) {
      assertSeconds('windowSeconds', windowSeconds);
      return toState(await failClosed(() => hit(keys.rateLimit(key), windowSeconds)));
    },
    async peek(key) {
      return toState(await failClosed(() => peek(keys.rateLimit(key))));
    },
    async reset(key) {
      await failClosed(() => client.del(keys.rateLimit(key)));
    },
  };
}
