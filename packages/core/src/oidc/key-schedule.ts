import type { SigningAlg, SigningKeyRecord } from '../ports/signing-keys.js';

/** Every algorithm ID tokens may be signed with, the default first (discovery lists them in this order). */
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256'];
export const DEFAULT_SIGNING_ALG: SigningAlg = 'RS256';

/** Lifetime of an ID token. */
export const ID_TOKEN_TTL_SECONDS = 3600;
/** `Cache-Control: max-age` of the JWKS document: how long a client may keep it. */
export const JWKS_MAX_AGE_SECONDS = 300;
/** How long a process uses the key list it read before reading it again. */
export const KEY_RELOAD_SECONDS = 30;
/** Tolerated clock difference between us and a client validating `exp`. */
export const CLOCK_SKEW_SECONDS = 300;
/**
 * A new key signs only this long after it was created (SEC-43): every process has read it
 * (KEY_RELOAD_SECONDS) and served it in the JWKS, and every client that cached the JWKS
 * before that has had to fetch it again (JWKS_MAX_AGE_SECONDS), with a margin.
 */
export const MIN_PUBLICATION_DELAY_SECONDS = KEY_RELOAD_SECONDS + JWKS_MAX_AGE_SECONDS + 30;
export const DEFAULT_PUBLICATION_DELAY_SECONDS = 600;

export type KeyStatus =
  /** Published, not yet signing. */
  | 'next'
  /** Published and signing. */
  | 'current'
  /** Published so that tokens it signed still validate; no longer signing. */
  | 'retiring'
  /** Every token it signed has expired: no longer published; deleted at the next key reload (`retiredKeys`). */
  | 'retired';

const byActivation = (a: SigningKeyRecord, b: SigningKeyRecord): number =>
  a.activatesAt.getTime() - b.activatesAt.getTime() || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);

/**
 * The key that signs `alg` at `now`: of that alg's keys, the one activated last, not after `now`
 * (ties broken by kid, so every process picks the same). Null when there is none yet.
 */
export function signingKeyAt(
  keys: readonly SigningKeyRecord[],
  alg: SigningAlg,
  now: number,
): SigningKeyRecord | null {
  const active = keys.filter((k) => k.alg === alg && k.activatesAt.getTime() <= now).sort(byActivation);
  return active.at(-1) ?? null;
}

/** When `key` stopped (or will stop) signing: the activation of the next key of its alg; null if none. */
export function supersededAt(keys: readonly SigningKeyRecord[], key: SigningKeyRecord): Date | null {
  const later = keys
    .filter((k) => k.alg === key.alg && k !== key && byActivation(k, key) > 0)
    .sort(byActivation);
  return later[0]?.activatesAt ?? null;
}

/** The end of a superseded key's publication: the last token it signed has expired by then (SEC-43). */
export function unpublishedAt(keys: readonly SigningKeyRecord[], key: SigningKeyRecord): Date | null {
  const end = supersededAt(keys, key);
  return end === null ? null : new Date(end.getTime() + (ID_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
}

export function keyStatus(keys: readonly SigningKeyRecord[], key: SigningKeyRecord, now: number): KeyStatus {
  if (key.activatesAt.getTime() > now) return 'next';
  const end = supersededAt(keys, key);
  if (end === null || end.getTime() > now) return 'current';
  return unpublishedAt(keys, key)!.getTime() > now ? 'retiring' : 'retired';
}

/** The keys the JWKS serves at `now`: every key that will sign, signs, or signed a token still valid. */
export function publishedKeys(keys: readonly SigningKeyRecord[], now: number): SigningKeyRecord[] {
  return [...keys].sort(byActivation).filter((k) => keyStatus(keys, k, now) !== 'retired');
}

/**
 * The keys to delete from the store at `now` (SEC-43): superseded keys whose every signed
 * token has expired. They are no longer published, so no client can need them, and a key
 * never comes back from `retired` (later rotations only move its end earlier).
 */
export function retiredKeys(keys: readonly SigningKeyRecord[], now: number): SigningKeyRecord[] {
  return keys.filter((k) => keyStatus(keys, k, now) === 'retired');
}
