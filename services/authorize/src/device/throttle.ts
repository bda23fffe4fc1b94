import type { RateLimitStore } from '@gatehouse/core';
import type { ThrottleResult } from '../browser/throttle.js';

/**
 * Wrong user codes on /device (RFC 8628 §5.1), per session and per address, in fixed
 * windows: a user code has 34.6 bits and lives 10 minutes, so a few guesses per window
 * leave nothing to find. Failures are read before the lookup and counted after it.
 */
export const DEVICE_THROTTLE = {
  windowSeconds: 15 * 60,
  failuresPerSession: 5,
  failuresPerAddress: 20,
} as const;

export interface DeviceThrottle {
  attempt(sessionKey: string, address: string): Promise<ThrottleResult>;
  failed(sessionKey: string, address: string): Promise<void>;
}

export function deviceThrottle(rateLimits: RateLimitStore, limits = DEVICE_THROTTLE): DeviceThrottle {
  const keys = (session: string, address: string) =>
    [
      [`device:sess:${session}`, limits.failuresPerSession],
      [`device:addr:${address}`, limits.failuresPerAddress],
    ] as const;
  return {
    async attempt(session, address) {
      for (const [key, max] of keys(session, address)) {
        const state = await rateLimits.peek(key);
        if (state.count >= max)
          return { allowed: false, retryAfterSeconds: Math.max(1, state.retryAfterSeconds) };
      }
      return { allowed: true };
    },
    async failed(session, address) {
      for (const [key] of keys(session, address)) await rateLimits.hit(key, limits.windowSeconds);
    },
  };
}
