import { exceeds, retryAfter, type WindowCount } from './window-limits.js';

/**
 * Login throttling (SEC-19, SEC-34): what may a login attempt do, given the counters the
 * adapter read for it. Counters live in fixed windows of `windowSeconds` in the rate-limit
 * store; this file only decides.
 *
 * - Per address group (an IPv4 address, an IPv6 /64): `attemptsPerAddress` attempts
 *   (counted up front, so a parallel burst cannot slip past) and `failuresPerAddress`
 *   failures → 429. One address cannot spray guesses across many accounts.
 * - Per account × address group: `failuresPerAccountAndAddress` unsuccessful attempts
 *   (counted up front as pending, cleared by a success) → 429. One address cannot keep
 *   guessing one account.
 * - Per account, from all addresses: failures only, and never a hard block. From
 *   `accountDelayAfter` failures on, every attempt not from a recognised device waits a
 *   growing delay (doubling, at most `maxDelaySeconds`) before its password is checked, so
 *   a distributed flood slows guessing without locking the real user out.
 * - A recognised device — one holding a valid device cookie for this account, set at an
 *   earlier successful sign-in — skips the account limits entirely; its correct password
 *   is never delayed or refused by what strangers do. A device cookie with
 *   `failuresPerDevice` failures stops counting as recognised (a stolen cookie is no free
 *   pass for guessing).
 *
 * The account is the user id once the login names a known account (username, any case,
 * or e-mail: one counter), else the normalised spelling — so an unknown name is throttled
 * exactly like a known one and the answers cannot tell them apart.
 */
export const LOGIN_THROTTLE = {
  windowSeconds: 15 * 60,
  attemptsPerAddress: 100,
  failuresPerAddress: 20,
  failuresPerAccountAndAddress: 5,
  accountDelayAfter: 10,
  firstDelayMs: 250,
  maxDelaySeconds: 4,
  failuresPerDevice: 10,
} as const;

export type LoginThrottleLimits = { readonly [K in keyof typeof LOGIN_THROTTLE]: number };

export interface LoginAttemptCounters {
  /** Attempts from this address group, this one included. */
  addressAttempts: WindowCount;
  /** Failures from this address group so far. */
  addressFailures: WindowCount;
  /** Unsuccessful attempts on this account from this group, this one included. */
  accountAddressAttempts: WindowCount;
  /** Failures on this account from everywhere so far. */
  accountFailures: WindowCount;
  /** Failures made with this device cookie so far (0 without one). */
  deviceFailures: WindowCount;
}

export type LoginAttemptDecision =
  | { kind: 'proceed'; delayMs: number; recognisedDevice: boolean }
  | { kind: 'refuse'; retryAfterSeconds: number };

const refuse = (counter: WindowCount): LoginAttemptDecision => ({
  kind: 'refuse',
  retryAfterSeconds: retryAfter(counter),
});

/** True when the device cookie names this account and has not been used for guessing. */
export function isRecognisedDevice(
  cookieNamesAccount: boolean,
  deviceFailures: WindowCount,
  limits: LoginThrottleLimits = LOGIN_THROTTLE,
): boolean {
  return (
    cookieNamesAccount && !exceeds({ kind: 'failures', limit: limits.failuresPerDevice }, deviceFailures)
  );
}

/** The growing delay of the account-wide limit (0 below it). */
export function accountDelayMs(failures: number, limits: LoginThrottleLimits = LOGIN_THROTTLE): number {
  if (failures < limits.accountDelayAfter) return 0;
  const steps = Math.min(30, failures - limits.accountDelayAfter);
  return Math.min(limits.maxDelaySeconds * 1000, limits.firstDelayMs * 2 ** steps);
}

/** May this login attempt have its password checked, and after what delay. */
export function decideLoginAttempt(
  counters: LoginAttemptCounters,
  device: { namesAccount: boolean },
  limits: LoginThrottleLimits = LOGIN_THROTTLE,
): LoginAttemptDecision {
  if (exceeds({ kind: 'attempts', limit: limits.attemptsPerAddress }, counters.addressAttempts)) {
    return refuse(counters.addressAttempts);
  }
  if (exceeds({ kind: 'failures', limit: limits.failuresPerAddress }, counters.addressFailures)) {
    return refuse(counters.addressFailures);
  }
  if (isRecognisedDevice(device.namesAccount, counters.deviceFailures, limits)) {
    return { kind: 'proceed', delayMs: 0, recognisedDevice: true };
  }
  // Counted up front as pending and cleared by a success: in effect, failures.
  if (
    exceeds({ kind: 'attempts', limit: limits.failuresPerAccountAndAddress }, counters.accountAddressAttempts)
  ) {
    return refuse(counters.accountAddressAttempts);
  }
  return {
    kind: 'proceed',
    delayMs: accountDelayMs(counters.accountFailures.count, limits),
    recognisedDevice: false,
  };
}

/** The account a login names, for counting: the user id when known, else the normalised spelling. */
export function throttleAccount(
  login: string,
  userId: number | null,
): { kind: 'user'; id: number } | { kind: 'name'; name: string } {
  return userId === null
    ? { kind: 'name', name: login.normalize('NFKC').trim().toLowerCase() }
    : { kind: 'user', id: userId };
}
