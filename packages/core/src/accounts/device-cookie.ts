import { createHmac } from 'node:crypto';
import { constantTimeEqual, randomId } from '../crypto.js';

/**
 * SEC-34: the device cookie. Set at a successful sign-in, it names the device (a random
 * id, so failures made with it can be counted) and the accounts that signed in from it,
 * signed with HMAC-SHA-256 so it cannot be forged or widened. It grants nothing by itself:
 * it only exempts a login attempt on one of its accounts from the account-wide limits.
 */
export interface DeviceCookie {
  deviceId: string;
  /** Newest first, at most DEVICE_COOKIE_MAX_ACCOUNTS. */
  userIds: number[];
}

export const DEVICE_COOKIE_MAX_ACCOUNTS = 8;
/** A year: long enough that a regular user is always recognised. */
export const DEVICE_COOKIE_TTL_SECONDS = 365 * 86400;

const VERSION = 'd1';

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`gatehouse-device:${payload}`).digest('base64url');
}

export function signDeviceCookie(secret: string, cookie: DeviceCookie): string {
  const payload = `${VERSION}.${cookie.deviceId}.${cookie.userIds.join('-')}`;
  return `${payload}.${mac(secret, payload)}`;
}

/** The cookie's content, or null when it is absent, malformed or not signed with `secret`. */
export function readDeviceCookie(secret: string, value: string | undefined): DeviceCookie | null {
  if (!value || value.length > 512) return null;
  const match = /^(d1\.([A-Za-z0-9_-]{16,64})\.(\d{1,10}(?:-\d{1,10}){0,7}))\.([A-Za-z0-9_-]{43})$/.exec(
    value,
  );
  if (!match) return null;
  if (!constantTimeEqual(match[4]!, mac(secret, match[1]!))) return null;
  return { deviceId: match[2]!, userIds: match[3]!.split('-').map(Number) };
}

/** The cookie after `userId` signed in on this device: a new device id only for a new device. */
export function rememberDevice(existing: DeviceCookie | null, userId: number): DeviceCookie {
  const others = (existing?.userIds ?? []).filter((id) => id !== userId);
  return {
    deviceId: existing?.deviceId ?? randomId(),
    userIds: [userId, ...others].slice(0, DEVICE_COOKIE_MAX_ACCOUNTS),
  };
}
