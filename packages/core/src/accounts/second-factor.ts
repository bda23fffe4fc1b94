import type { KeyEncryptionKey } from '../oidc/key-encryption.js';
import type { Stores } from '../ports/index.js';
import { canonicalRecoveryCode, recoveryCodeHash } from './recovery-codes.js';
import { checkTotpCode, decryptTotpSecret, normaliseTotpCode } from './totp.js';
import type { WindowRule } from './window-limits.js';

/**
 * SEC-68: second-factor checks are throttled per account, whatever address or pending
 * sign-in they come from: `failuresPerAccount` wrong codes in the window → 429 until it
 * ends. Six digits are a small space; this keeps guessing them at ~1 in 100 000 per window.
 */
export const SECOND_FACTOR_THROTTLE = {
  windowSeconds: 15 * 60,
  failuresPerAccount: 10,
} as const;

export const secondFactorRule: WindowRule = {
  kind: 'failures',
  limit: SECOND_FACTOR_THROTTLE.failuresPerAccount,
};

export function secondFactorThrottleKey(userId: number): string {
  return `2fa:fail:u${userId}`;
}

/** What passed: the authentication method reference (RFC 8176) it adds to the sign-in. */
export type SecondFactorResult =
  | { passed: true; method: 'totp' | 'recovery_code'; amr: 'otp' }
  | { passed: false };

/**
 * Checks a typed second factor for a user with a confirmed TOTP factor: six digits are an
 * authenticator code (its step then recorded atomically, SEC-66), anything shaped like a
 * recovery code spends one (SEC-67). Anything else fails without touching the stores.
 */
export async function verifySecondFactor(
  stores: Stores,
  userId: number,
  input: string,
  key: KeyEncryptionKey,
  now = new Date(),
): Promise<SecondFactorResult> {
  if (normaliseTotpCode(input) !== null) {
    const factor = await stores.db.twoFactor.findTotp(userId);
    if (!factor?.confirmedAt) return { passed: false };
    const secret = await decryptTotpSecret(factor.encryptedSecret, userId, key);
    const check = await checkTotpCode(secret, input, now.getTime(), factor.lastUsedStep);
    if (!check.valid || !(await stores.db.twoFactor.useTotpStep(userId, check.step)))
      return { passed: false };
    return { passed: true, method: 'totp', amr: 'otp' };
  }
  const code = canonicalRecoveryCode(input);
  if (code === null) return { passed: false };
  if (!(await stores.db.twoFactor.useRecoveryCode(userId, recoveryCodeHash(code), now)))
    return { passed: false };
  return { passed: true, method: 'recovery_code', amr: 'otp' };
}

/** How long a sign-in waits for its second factor after the password (SEC-70). */
export const PENDING_LOGIN_TTL_SECONDS = 5 * 60;

/** The second factors a password sign-in of this user must ask for (none: the password is enough). */
export async function secondFactorsOf(
  stores: Stores,
  userId: number,
): Promise<{ totp: boolean; passkeys: number }> {
  const [factor, passkeys] = await Promise.all([
    stores.db.twoFactor.findTotp(userId),
    stores.db.passkeys.listByUser(userId),
  ]);
  return { totp: factor?.confirmedAt != null, passkeys: passkeys.length };
}

/** True when sign-in must ask this user for a second factor: an authenticator app or a passkey. */
export async function needsSecondFactor(stores: Stores, userId: number): Promise<boolean> {
  const factors = await secondFactorsOf(stores, userId);
  return factors.totp || factors.passkeys > 0;
}
