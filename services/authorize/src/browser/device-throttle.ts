import type { RateLimitStore } from '@gatehouse/core';
import { checkWindows, countFailure, type KeyedWindowRule, type ThrottleResult } from './throttle.js';

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
  const rules = (session: string, address: string): KeyedWindowRule[] => [
    {
      kind: 'failures',
      key: `device:sess:${session}`,
      limit: limits.failuresPerSession,
      windowSeconds: limits.windowSeconds,
    },
    {
      kind: 'failures',
      key: `device:addr:${address}`,
      limit: limits.failuresPerAddress,
      windowSeconds: limits.windowSeconds,
    },
  ];
  return {
    attempt: (session, address) => checkWindows(rateLimits, rules(session, address)),
    failed: (session, address) => countFailure(rateLimits, rules(session, address)),
  };
}
