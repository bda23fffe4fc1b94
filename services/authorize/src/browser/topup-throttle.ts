import type { RateLimitStore } from '@gatehouse/core';
import type { TopupGuessThrottle } from '@gatehouse/core/accounts';
import { checkWindows, countFailure, type KeyedWindowRule } from './throttle.js';

/**
 * Top-up code guessing (SEC-25), per user, in fixed windows of `windowSeconds`:
 *
 * 1. failed redemptions (read before, counted after a failure: unknown, used, expired or
 *    malformed codes) — after `failuresPerUser` the form answers 429 without looking the
 *    code up; successful redemptions do not count;
 * 2. attempts (counted up front, a generous cap) — a burst of parallel requests cannot all
 *    slip past the read in (1) before any failure is counted. Successes count here, so a
 *    user who redeems more than `attemptsPerUser` codes within one window waits too.
 */
export const TOPUP_THROTTLE = {
  windowSeconds: 15 * 60,
  failuresPerUser: 10,
  attemptsPerUser: 50,
} as const;

/** The counters of core's `TopupGuessThrottle`: core's `redeemTopup` decides when each is called. */
export function topupThrottle(rateLimits: RateLimitStore, limits = TOPUP_THROTTLE): TopupGuessThrottle {
  const rules = (userId: number): KeyedWindowRule[] => [
    {
      kind: 'failures',
      key: `topup:fail:${userId}`,
      limit: limits.failuresPerUser,
      windowSeconds: limits.windowSeconds,
    },
    {
      kind: 'attempts',
      key: `topup:try:${userId}`,
      limit: limits.attemptsPerUser,
      windowSeconds: limits.windowSeconds,
    },
  ];
  return {
    attempt: (userId) => checkWindows(rateLimits, rules(userId)),
    failed: (userId) => countFailure(rateLimits, rules(userId)),
  };
}
