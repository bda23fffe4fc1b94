import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { type Config, keyEncryptionSecret } from '../config.js';
import type { SigningAlg, SigningKeyRecord, SigningKeyStore } from '../ports/signing-keys.js';
import { DuplicateError } from '../store-errors.js';
import {
  decryptPrivateJwk,
  deriveKeyEncryptionKey,
  encryptPrivateJwk,
  type KeyEncryptionKey,
} from './key-encryption.js';
import {
  KEY_RELOAD_SECONDS,
  type KeyStatus,
  keyStatus,
  publishedKeys,
  retiredKeys,
  SIGNING_ALGS,
  signingKeyAt,
  unpublishedAt,
} from './key-schedule.js';

/** What signs one ID token. */
export interface Signer {
  kid: string;
  alg: SigningAlg;
  key: CryptoKey;
}

export interface KeyInfo {
  kid: string;
  alg: SigningAlg;
  status: KeyStatus;
  createdAt: Date;
  activatesAt: Date;
  /** When it stops being published (null while nothing supersedes it). */
  unpublishedAt: Date | null;
}

export interface KeyRing {
  /** The key that signs `alg` now; creates the first keys on first use. */
  signer(alg: SigningAlg, now: number): Promise<Signer>;
  /** The public keys to publish now (`GET /.well-known/jwks.json`). */
  jwks(now: number): Promise<{ keys: JWK[] }>;
  list(now: number): Promise<KeyInfo[]>;
  /** A new key of `alg` that signs from `now + delaySeconds`; published at once (SEC-43). */
  rotate(alg: SigningAlg, delaySeconds: number, now: number): Promise<KeyInfo>;
}

/** A new key pair, its kid the RFC 7638 thumbprint of its public half. */
export async function generateSigningKey(
  alg: SigningAlg,
  kek: KeyEncryptionKey,
  activatesAt: Date,
  now: Date,
): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    encryptedPrivateJwk: await encryptPrivateJwk(await exportJWK(privateKey), kid, kek),
    createdAt: now,
    activatesAt,
  };
}

/**
 * The signing keys as one process sees them. The list is read from the store at most every
 * KEY_RELOAD_SECONDS; which key signs is decided by each key's stored activation time, not by
 * when a process noticed it, so every process switches at the same instant without a restart
 * or a shared stamp, as long as the publication delay is longer than the reload interval
 * (MIN_PUBLICATION_DELAY_SECONDS guarantees it). A rotation made through this ring is seen by
 * it at once. Private keys are decrypted on first use and kept in memory only.
 */
export function createKeyRing(store: SigningKeyStore, kek: KeyEncryptionKey): KeyRing {
  let loaded: { at: number; keys: SigningKeyRecord[] } | null = null;
  let loading: Promise<SigningKeyRecord[]> | null = null;
  const privateKeys = new Map<string, Promise<CryptoKey>>();

  async function read(now: number): Promise<SigningKeyRecord[]> {
    let keys = await store.list();
    const missing = SIGNING_ALGS.filter((alg) => !keys.some((k) => k.alg === alg));
    if (missing.length > 0) {
      // First start: one key per alg, signing at once (nobody can have cached a JWKS yet).
      for (const alg of missing) {
        await store
          .insert(await generateSigningKey(alg, kek, new Date(now), new Date(now)))
          .catch((error: unknown) => {
            if (!(error instanceof DuplicateError)) throw error;
          });
      }
      keys = await store.list();
    }
    const retired = retiredKeys(keys, now);
    if (retired.length > 0) {
      // Whichever process reloads first deletes them; the others' deletes find nothing.
      await store.delete(retired.map((k) => k.kid));
      keys = keys.filter((k) => !retired.includes(k));
      for (const k of retired) privateKeys.delete(k.kid);
    }
    loaded = { at: now, keys };
    return keys;
  }

  async function keysAt(now: number): Promise<SigningKeyRecord[]> {
    if (loaded && now - loaded.at < KEY_RELOAD_SECONDS * 1000 && now >= loaded.at) return loaded.keys;
    loading ??= read(now).finally(() => {
      loading = null;
    });
    return loading;
  }

  function privateKey(record: SigningKeyRecord): Promise<CryptoKey> {
    let key = privateKeys.get(record.kid);
    if (!key) {
      key = decryptPrivateJwk(record.encryptedPrivateJwk, record.kid, kek).then(
        (jwk) => importJWK(jwk, record.alg) as Promise<CryptoKey>,
      );
      key.catch(() => privateKeys.delete(record.kid));
      privateKeys.set(record.kid, key);
    }
    return key;
  }

  const info = (keys: SigningKeyRecord[], k: SigningKeyRecord, now: number): KeyInfo => ({
    kid: k.kid,
    alg: k.alg,
    status: keyStatus(keys, k, now),
    createdAt: k.createdAt,
    activatesAt: k.activatesAt,
    unpublishedAt: unpublishedAt(keys, k),
  });

  return {
    async signer(alg, now) {
      const record = signingKeyAt(await keysAt(now), alg, now);
      if (!record) throw new Error(`no ${alg} signing key is active`);
      return { kid: record.kid, alg, key: await privateKey(record) };
    },
    async jwks(now) {
      return { keys: publishedKeys(await keysAt(now), now).map((k) => k.publicJwk as JWK) };
    },
    async list(now) {
      const keys = await keysAt(now);
      return [...keys].map((k) => info(keys, k, now));
    },
    async rotate(alg, delaySeconds, now) {
      await keysAt(now);
      const record = await generateSigningKey(alg, kek, new Date(now + delaySeconds * 1000), new Date(now));
      await store.insert(record);
      const keys = await read(now);
      return info(keys, keys.find((k) => k.kid === record.kid) ?? record, now);
    },
  };
}

/** One ring per store object, so the services of one process (the stack) share what they read. */
const rings = new WeakMap<SigningKeyStore, KeyRing>();

/** The process's key ring for `stores`, under the configured (or development) key-encryption key. */
export function keyRingOf(
  stores: { db: { signingKeys: SigningKeyStore } },
  config: Pick<Config, 'keyEncryptionKey'>,
): KeyRing {
  let ring = rings.get(stores.db.signingKeys);
  if (!ring) {
    ring = createKeyRing(stores.db.signingKeys, deriveKeyEncryptionKey(keyEncryptionSecret(config)));
    rings.set(stores.db.signingKeys, ring);
  }
  return ring;
}
