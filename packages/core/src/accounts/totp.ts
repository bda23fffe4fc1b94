import { generate, generateSecret, generateURI, verify } from 'otplib';
import {
  decryptBoundSecret,
  deriveKeyEncryptionKey,
  encryptBoundSecret,
  KEY_PURPOSE,
  type KeyEncryptionKey,
} from '../oidc/key-encryption.js';

/**
 * SEC-66: authenticator-app codes are RFC 6238 TOTP (HMAC-SHA-1, 30-second steps, 6
 * digits — what every authenticator app reads from an otpauth URI), accepted one step
 * either side of now for clock drift. `otplib` does the arithmetic.
 */
export const TOTP = { periodSeconds: 30, digits: 6, toleranceSteps: 1 } as const;

/** A code as typed: 6 digits, spaces allowed between them. */
const CODE = /^\d{6}$/;

export function normaliseTotpCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return CODE.test(code) ? code : null;
}

/** A new secret: 160 random bits, base32 (RFC 4226 §4 recommends at least 160). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://totp/...` URI an authenticator app imports (QR code or pasted). */
export function totpUri(input: { issuer: string; account: string; secret: string }): string {
  return generateURI({
    issuer: input.issuer,
    label: input.account,
    secret: input.secret,
    digits: TOTP.digits,
    period: TOTP.periodSeconds,
  });
}

/** The code for `nowMs` (tests and the e2e suite play the authenticator app with it). */
export function totpCodeAt(secret: string, nowMs: number): Promise<string> {
  return generate({
    secret,
    epoch: Math.floor(nowMs / 1000),
    digits: TOTP.digits,
    period: TOTP.periodSeconds,
  });
}

export type TotpCheck = { valid: true; step: number } | { valid: false };

/**
 * Is `code` right for `secret` at `nowMs`, in a step after `lastUsedStep`? A step already
 * used is refused even inside the tolerance window (replay, SEC-66); the caller then
 * records the returned step atomically (`TwoFactorStore.useTotpStep`), so two sign-ins racing
 * with one code cannot both pass.
 */
export async function checkTotpCode(
  secret: string,
  code: string,
  nowMs: number,
  lastUsedStep: number | null,
): Promise<TotpCheck> {
  const token = normaliseTotpCode(code);
  if (token === null) return { valid: false };
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    digits: TOTP.digits,
    period: TOTP.periodSeconds,
    epochTolerance: TOTP.toleranceSteps * TOTP.periodSeconds,
    ...(lastUsedStep === null ? {} : { afterTimeStep: lastUsedStep }),
  });
  // The TOTP result carries its step; the union type also covers HOTP's, which does not.
  return result.valid && 'timeStep' in result ? { valid: true, step: result.timeStep } : { valid: false };
}

/** SEC-65: the key TOTP secrets are encrypted under, derived from GATEHOUSE_KEY_ENCRYPTION_KEY. */
export function totpSecretKey(keyEncryptionSecret: string): KeyEncryptionKey {
  return deriveKeyEncryptionKey(keyEncryptionSecret, KEY_PURPOSE.totpSecrets);
}

/** Bound to the user: a ciphertext copied onto another user's row does not decrypt there. */
const totpKid = (userId: number) => `totp:user:${userId}`;

export function encryptTotpSecret(secret: string, userId: number, key: KeyEncryptionKey): Promise<string> {
  return encryptBoundSecret(secret, totpKid(userId), 'totp-secret', key);
}

export function decryptTotpSecret(encrypted: string, userId: number, key: KeyEncryptionKey): Promise<string> {
  return decryptBoundSecret(encrypted, totpKid(userId), key);
}
