import { type RateLimitStore, sha256Hex } from '@gatehouse/core';
import {
  addressGroup,
  type DeviceCookie,
  decideLoginAttempt,
  exceeds,
  isRecognisedDevice,
  LOGIN_THROTTLE,
  type LoginAttemptDecision,
  type LoginThrottleLimits,
  retryAfter,
  throttleAccount,
  type WindowCount,
  type WindowRule,
} from '@gatehouse/core/accounts';

export { LOGIN_THROTTLE } from '@gatehouse/core/accounts';

export type ThrottleResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * One throttle for the whole service: the login decision below (core `decideLoginAttempt`)
 * and the simple gates of top-up codes, device user codes and sign-up are all made of core's
 * window rules.
 */
export interface KeyedWindowRule extends WindowRule {
  key: string;
  windowSeconds: number;
}
/** Checks `rules` in order, counting or reading each; a later counter is touched only when the earlier ones let the attempt through. */
export async function checkWindows(
  rateLimits: RateLimitStore,
  rules: readonly KeyedWindowRule[],
): Promise<ThrottleResult> {
  for (const rule of rules) {
    const counter =
      rule.kind === 'attempts'
        ? await rateLimits.hit(rule.key, rule.windowSeconds)
        : await rateLimits.peek(rule.key);
    if (exceeds(rule, counter)) return { allowed: false, retryAfterSeconds: retryAfter(counter) };
  }
  return { allowed: true };
}

/** Records a failure on each `failures` rule. */
export async function countFailure(
  rateLimits: RateLimitStore,
  rules: readonly KeyedWindowRule[],
): Promise<void> {
  for (const rule of rules) if (rule.kind === 'failures') await rateLimits.hit(rule.key, rule.windowSeconds);
}

/** One login attempt as the throttle sees it. */
export interface LoginAttempt {
  /** What was typed (username or e-mail). */
  login: string;
  /** The account it names, once looked up (null: no such account). */
  userId: number | null;
  address: string;
  device: DeviceCookie | null;
}

/**
 * The rate-limit adapter of the login decision (core `decideLoginAttempt`, SEC-19 and
 * SEC-34): it reads and counts the windows the decision needs, and records outcomes.
 */
export interface LoginThrottle {
  /** Counts the attempt up front where the rules say so, then decides. Call before checking the password. */
  check(attempt: LoginAttempt): Promise<LoginAttemptDecision>;
  /** The password was wrong or the account unknown. */
  failed(attempt: LoginAttempt): Promise<void>;
  /** The right password: this address may try this account afresh. */
  succeeded(attempt: LoginAttempt): Promise<void>;
}

const NONE: WindowCount = { count: 0, retryAfterSeconds: 0 };

function keys(attempt: LoginAttempt) {
  const group = addressGroup(attempt.address);
  const account = throttleAccount(attempt.login, attempt.userId);
  // Hashed: bounded key length, and no typed user names lying around in the cache.
  const accountKey = account.kind === 'user' ? `u${account.id}` : `n${sha256Hex(account.name)}`;
  return {
    addressAttempts: `login:addr:${group}`,
    addressFailures: `login:addr-fail:${group}`,
    accountAddress: `login:acct-addr:${accountKey}:${group}`,
    accountFailures: `login:acct-fail:${accountKey}`,
    deviceFailures: attempt.device ? `login:device-fail:${attempt.device.deviceId}` : null,
  };
}

function namesAccount(attempt: LoginAttempt): boolean {
  return attempt.userId !== null && (attempt.device?.userIds.includes(attempt.userId) ?? false);
}

export function loginThrottle(
  rateLimits: RateLimitStore,
  limits: LoginThrottleLimits = LOGIN_THROTTLE,
): LoginThrottle {
  const window = limits.windowSeconds;
  return {
    async check(attempt) {
      const k = keys(attempt);
      const addressAttempts = await rateLimits.hit(k.addressAttempts, window);
      const addressFailures = await rateLimits.peek(k.addressFailures);
      const deviceFailures = k.deviceFailures ? await rateLimits.peek(k.deviceFailures) : NONE;
      const accountFailures = await rateLimits.peek(k.accountFailures);
      // A recognised device is not counted against the account × address limit it skips.
      const recognised = isRecognisedDevice(namesAccount(attempt), deviceFailures, limits);
      const accountAddressAttempts = recognised
        ? await rateLimits.peek(k.accountAddress)
        : await rateLimits.hit(k.accountAddress, window);
      return decideLoginAttempt(
        { addressAttempts, addressFailures, accountAddressAttempts, accountFailures, deviceFailures },
        { namesAccount: namesAccount(attempt) },
        limits,
      );
    },

    async failed(attempt) {
      const k = keys(attempt);
      await rateLimits.hit(k.addressFailures, window);
      await rateLimits.hit(k.accountFailures, window);
      if (k.deviceFailures) await rateLimits.hit(k.deviceFailures, window);
    },

    async succeeded(attempt) {
      await rateLimits.reset(keys(attempt).accountAddress);
    },
  };
}
