import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefixes let secret scanners recognise leaked Gatehouse credentials. */
export const TOKEN_PREFIX = {
  accessToken: 'gth_at_',
  refreshToken: 'gth_rt_',
  authorizationCode: 'gth_ac_',
  clientSecret: 'gth_cs_',
  developerToken: 'gth_dt_',
  topupCode: 'gth_tc_',
  session: 'gth_ss_',
} as const;

/** 256 bits of randomness, base64url, behind a prefix. */
export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** An identifier that needs uniqueness, not secrecy (family ids, request ids, batch ids). */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** Hex SHA-256: how every bearer secret is stored. Secrets are 256-bit random, so a fast hash is enough. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings (compares their SHA-256 digests, so lengths may differ). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
