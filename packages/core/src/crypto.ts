import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/** Prefixes let secret scanners recognise leaked Gatehouse credentials. */
export const TOKEN_PREFIX = {
  accessToken: 'gth_at_',
  refreshToken: 'gth_rt_',
  authorizationCode: 'gth_ac_',
  clientSecret: 'gth_cs_',
  developerToken: 'gth_dt_',
  topupCode: 'gth_tc_',
  session: 'gth_ss_',
  deviceCode: 'gth_dc_',
  emailLink: 'gth_el_',
} as const;

/**
 * Random bytes are drawn from the CSPRNG 4 KiB at a time and handed out once each, in
 * order: one call per 128 tokens instead of one per token (the refresh grant mints two;
 * `randomFillSync` was 6 % of its CPU profile).
 */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/** `bytes` fresh random bytes, encoded base64url; never the same bytes twice. */
export function randomBase64url(bytes: number): string {
  if (bytes > RANDOM_POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(bytes)).toString('base64url');
  if (randomOffset + bytes > randomPool.length) {
    randomPool = randomFillSync(Buffer.allocUnsafe(RANDOM_POOL_BYTES));
    randomOffset = 0;
  }
  const start = randomOffset;
  randomOffset += bytes;
  return randomPool.toString('base64url', start, randomOffset);
}

/** 256 bits of randomness, base64url, behind a prefix. */
export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBase64url(bytes);
}

/** An identifier that needs uniqueness, not secrecy (family ids, request ids, batch ids). */
export function randomId(bytes = 16): string {
  return randomBase64url(bytes);
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
