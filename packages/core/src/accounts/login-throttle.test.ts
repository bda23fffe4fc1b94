import { describe, expect, it } from 'vitest';
import { addressGroup } from './address-group.js';
import { readDeviceCookie, rememberDevice, signDeviceCookie } from './device-cookie.js';
import {
  accountDelayMs,
  decideLoginAttempt,
  LOGIN_THROTTLE,
  type LoginAttemptCounters,
} from './login-throttle.js';

const counters = (overrides: Partial<Record<keyof LoginAttemptCounters, number>>): LoginAttemptCounters => {
  const c = (n = 0) => ({ count: n, retryAfterSeconds: n > 0 ? 600 : 0 });
  return {
    addressAttempts: c(overrides.addressAttempts ?? 1),
    addressFailures: c(overrides.addressFailures),
    accountAddressAttempts: c(overrides.accountAddressAttempts ?? 1),
    accountFailures: c(overrides.accountFailures),
    deviceFailures: c(overrides.deviceFailures),
  };
};

describe('decideLoginAttempt (SEC-19, SEC-34)', () => {
  it('lets a first attempt through at once', () => {
    expect(decideLoginAttempt(counters({}), { namesAccount: false })).toEqual({
      kind: 'proceed',
      delayMs: 0,
      recognisedDevice: false,
    });
  });

  it('refuses an address after its failures or its attempts, with Retry-After', () => {
    const failures = counters({ addressFailures: LOGIN_THROTTLE.failuresPerAddress });
    expect(decideLoginAttempt(failures, { namesAccount: true })).toEqual({
      kind: 'refuse',
      retryAfterSeconds: 600,
    });
    const attempts = counters({ addressAttempts: LOGIN_THROTTLE.attemptsPerAddress + 1 });
    expect(decideLoginAttempt(attempts, { namesAccount: false }).kind).toBe('refuse');
  });

  it('refuses one address guessing one account, but not a recognised device', () => {
    const guessing = counters({ accountAddressAttempts: LOGIN_THROTTLE.failuresPerAccountAndAddress + 1 });
    expect(decideLoginAttempt(guessing, { namesAccount: false }).kind).toBe('refuse');
    expect(decideLoginAttempt(guessing, { namesAccount: true })).toMatchObject({
      kind: 'proceed',
      recognisedDevice: true,
    });
  });

  it('never blocks on account-wide failures: a growing, capped delay, none for a recognised device', () => {
    const many = counters({ accountFailures: 10_000 });
    expect(decideLoginAttempt(many, { namesAccount: false })).toEqual({
      kind: 'proceed',
      delayMs: LOGIN_THROTTLE.maxDelaySeconds * 1000,
      recognisedDevice: false,
    });
    expect(decideLoginAttempt(many, { namesAccount: true })).toMatchObject({ delayMs: 0 });
    const delays = [9, 10, 11, 12, 13, 14, 15].map((n) => accountDelayMs(n));
    expect(delays).toEqual([0, 250, 500, 1000, 2000, 4000, 4000]);
  });

  it('a device cookie used for guessing is no longer recognised', () => {
    const stolen = counters({
      accountAddressAttempts: LOGIN_THROTTLE.failuresPerAccountAndAddress + 1,
      deviceFailures: LOGIN_THROTTLE.failuresPerDevice,
    });
    expect(decideLoginAttempt(stolen, { namesAccount: true }).kind).toBe('refuse');
  });
});

describe('addressGroup (SEC-34)', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:198.51.100.9', '198.51.100.9'],
    ['[2001:db8:1:2::1]', '2001:db8:1:2::/64'],
    ['not an address', 'not an address'],
  ])('%s → %s', (address, group) => {
    expect(addressGroup(address)).toBe(group);
  });
});

describe('device cookie (SEC-34)', () => {
  const secret = 'a-device-cookie-secret-of-32-chars!!';

  it('round-trips, keeps the device id and puts the newest account first', () => {
    const first = rememberDevice(null, 7);
    const second = rememberDevice(readDeviceCookie(secret, signDeviceCookie(secret, first)), 9);
    expect(second).toEqual({ deviceId: first.deviceId, userIds: [9, 7] });
    expect(readDeviceCookie(secret, signDeviceCookie(secret, second))).toEqual(second);
  });

  it('refuses a widened, re-signed-elsewhere or malformed cookie', () => {
    const value = signDeviceCookie(secret, rememberDevice(null, 7));
    expect(readDeviceCookie(secret, value.replace('.7.', '.8.'))).toBeNull();
    expect(readDeviceCookie('another-secret-that-is-long-enough!!', value)).toBeNull();
    expect(readDeviceCookie(secret, 'garbage')).toBeNull();
    expect(readDeviceCookie(secret, undefined)).toBeNull();
  });
});
