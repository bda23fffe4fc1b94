import { type RateLimitStore, sha256Hex } from '@gatehouse/core';

/**
 * Login throttling (SEC-19), in fixed windows of `windowSeconds`, checked in this
 * order; a later counter is touched only when the earlier ones let the attempt through:
 *
 * 1. failures per address (read before, counted after a failure) — one address cannot
 *    spray guesses across many accounts; the address's successful logins do not count, so
 *    people behind one NAT do not throttle each other;
 * 2. attempts per address (counted up front, a generous cap) — a burst of parallel
 *    requests cannot all slip past the read in (1) before any failure is counted;
 * 3. attempts per account × address (counted up front, cleared by a success) — one
 *    address cannot keep guessing one account;
 * 4. attempts per account, globally (counted up front) — many addresses cannot guess one
 *    account together.
 *
 * An address stops at (3) after `perAccountAndAddress` attempts on an account, so it adds
 * at most that many to the account's global counter: a flood from one address can never
 * reach `perAccount` and lock the real user out from another address.
 */
export const LOGIN_THROTTLE = {
  windowSeconds: 15 * 60,
  failuresPerAddress: 20,
  attemptsPerAddress: 100,
  perAccountAndAddress: 5,
  perAccount: 30,
} as const;

export type ThrottleResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  /** Counts one attempt; refuses it when a window is full. Call before checking the password. */
  attempt(login: string, address: string): Promise<ThrottleResult>;
  /** The password was wrong (or the user unknown). */
  failed(login: string, address: string): Promise<void>;
  /** The right password: this address may try this account afresh. */
  succeeded(login: string, address: string): Promise<void>;
}

function keys(login: string, address: string) {
  // Hashed: bounded key length, and no typed user names lying around in the cache.
  const account = sha256Hex(login.trim().toLowerCase());
  return {
    addressFailures: `login:addr-fail:${address}`,
    addressAttempts: `login:addr:${address}`,
    accountAddress: `login:acct-addr:${account}:${address}`,
    account: `login:acct:${account}`,
  };
}

const blocked = (retryAfterSeconds: number): ThrottleResult => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, retryAfterSeconds),
});

export function loginThrottle(rateLimits: RateLimitStore, limits = LOGIN_THROTTLE): LoginThrottle {
  return {
    async attempt(login, address) {
      const k = keys(login, address);
      const failures = await rateLimits.peek(k.addressFailures);
      if (failures.count >= limits.failuresPerAddress) return blocked(failures.retryAfterSeconds);
      const counted: [string, number][] = [
        [k.addressAttempts, limits.attemptsPerAddress],
        [k.accountAddress, limits.perAccountAndAddress],
        [k.account, limits.perAccount],
      ];
      for (const [key, limit] of counted) {
        const state = await rateLimits.hit(key, limits.windowSeconds);
        if (state.count > limit) return blocked(state.retryAfterSeconds);
      }
      return { allowed: true };
    },

    async failed(login, address) {
      await rateLimits.hit(keys(login, address).addressFailures, limits.windowSeconds);
    },

    async succeeded(login, address) {
      await rateLimits.reset(keys(login, address).accountAddress);
    },
  };
}
