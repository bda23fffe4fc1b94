import type { DurableStores } from '@gatehouse/core';
import {
  CLOCK_SKEW_SECONDS,
  createKeyRing,
  DEFAULT_PUBLICATION_DELAY_SECONDS,
  deriveKeyEncryptionKey,
  ID_TOKEN_TTL_SECONDS,
  KEY_RELOAD_SECONDS,
  mintIdToken,
} from '@gatehouse/core/oidc';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';

// The key ring over the real signing-key store (PGlite, or Postgres with DATABASE_URL).
let db: TestDatabase;
let stores: DurableStores;
const kek = deriveKeyEncryptionKey('a-key-encryption-key-for-the-key-ring-test');
const T0 = Date.now();

beforeAll(async () => {
  db = await createTestDatabase();
  stores = db.stores;
}, 120_000);
afterAll(async () => {
  await db?.close();
});

function idToken(signer: Parameters<typeof mintIdToken>[1], now: number) {
  return mintIdToken(
    {
      issuer: 'https://id.example',
      clientId: 'gh_app',
      subject: '7',
      authTime: Math.floor(now / 1000),
      nonce: 'n-1',
      sid: 'sid',
      accessToken: 'gth_at_x',
      claims: {},
      now,
    },
    signer,
  );
}

describe('the key ring (SEC-42, SEC-43)', () => {
  it('creates one RS256 and one ES256 key on first use, publishes only their public halves', async () => {
    const ring = createKeyRing(stores.signingKeys, kek);
    const { keys } = await ring.jwks(T0);
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const k of keys) {
      expect(k).toMatchObject({ use: 'sig', kid: expect.any(String) });
      expect(k).not.toHaveProperty('d');
    }
    const stored = await stores.signingKeys.list();
    expect(stored).toHaveLength(2);
    for (const k of stored) expect(k.encryptedPrivateJwk).not.toContain('"d"');
    // A second process over the same database signs with the same keys.
    const other = createKeyRing(stores.signingKeys, kek);
    expect((await other.signer('RS256', T0)).kid).toBe((await ring.signer('RS256', T0)).kid);
  });

  it('signs ID tokens that validate against the published JWKS, for both algs', async () => {
    const ring = createKeyRing(stores.signingKeys, kek);
    const jwks = createLocalJWKSet(await ring.jwks(T0));
    for (const alg of ['RS256', 'ES256'] as const) {
      const token = await idToken(await ring.signer(alg, T0), T0);
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: 'https://id.example',
        audience: 'gh_app',
        currentDate: new Date(T0),
      });
      expect(protectedHeader.alg).toBe(alg);
      expect(payload).toMatchObject({ sub: '7', nonce: 'n-1', azp: 'gh_app', sid: 'sid' });
    }
  });

  it('rotation publishes the new key at once and signs with it only after the delay, in every process', async () => {
    const ring = createKeyRing(stores.signingKeys, kek);
    const before = await ring.signer('RS256', T0);
    const signedBefore = await idToken(before, T0);
    const rotated = await ring.rotate('RS256', DEFAULT_PUBLICATION_DELAY_SECONDS, T0);
    expect(rotated.status).toBe('next');
    const jwksNow = await ring.jwks(T0);
    expect(jwksNow.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([before.kid, rotated.kid]));
    expect((await ring.signer('RS256', T0)).kid).toBe(before.kid);

    // Another process, reading the keys after its reload interval, switches at the same instant.
    const other = createKeyRing(stores.signingKeys, kek);
    const switchAt = T0 + DEFAULT_PUBLICATION_DELAY_SECONDS * 1000;
    expect((await other.signer('RS256', switchAt - 1)).kid).toBe(before.kid);
    expect((await other.signer('RS256', switchAt + KEY_RELOAD_SECONDS * 1000)).kid).toBe(rotated.kid);
    expect((await ring.signer('RS256', switchAt)).kid).toBe(rotated.kid);

    // A token signed before still validates with the JWKS served after the switch.
    const jwksAfter = createLocalJWKSet(await ring.jwks(switchAt + 1000));
    await expect(
      jwtVerify(signedBefore, jwksAfter, { currentDate: new Date(T0 + 1000) }),
    ).resolves.toBeTruthy();
    const signedAfter = await idToken(await ring.signer('RS256', switchAt), switchAt);
    expect(decodeProtectedHeader(signedAfter).kid).toBe(rotated.kid);

    const statuses = Object.fromEntries((await ring.list(switchAt)).map((k) => [k.kid, k.status]));
    expect(statuses[before.kid]).toBe('retiring');
    expect(statuses[rotated.kid]).toBe('current');
  });

  it('cannot sign with keys encrypted under another key-encryption key', async () => {
    const ring = createKeyRing(
      stores.signingKeys,
      deriveKeyEncryptionKey('another-key-encryption-key-entirely'),
    );
    await expect(ring.signer('ES256', T0)).rejects.toThrow();
  });

  it('deletes a superseded key from the store once every ID token it signed has expired', async () => {
    const ring = createKeyRing(stores.signingKeys, kek);
    const start = T0 + 86_400_000;
    const old = await ring.signer('ES256', start);
    const rotated = await ring.rotate('ES256', DEFAULT_PUBLICATION_DELAY_SECONDS, start);
    const switchAt = start + DEFAULT_PUBLICATION_DELAY_SECONDS * 1000;
    const lastToken = await idToken(await ring.signer('ES256', switchAt - 1), switchAt - 1);
    expect(decodeProtectedHeader(lastToken).kid).toBe(old.kid);
    const expiresAt = switchAt + ID_TOKEN_TTL_SECONDS * 1000;
    const kids = async () => (await stores.signingKeys.list()).map((k) => k.kid);

    // While the last token it signed (plus clock skew) is valid, the key stays stored and published.
    const stillValid = expiresAt + 1000;
    expect((await ring.jwks(stillValid)).keys.map((k) => k.kid)).toContain(old.kid);
    await expect(
      jwtVerify(lastToken, createLocalJWKSet(await ring.jwks(stillValid)), {
        currentDate: new Date(expiresAt - 1000),
      }),
    ).resolves.toBeTruthy();
    expect(await kids()).toContain(old.kid);

    // After that the next reload of any process deletes it; signing goes on with the new key.
    const gone = expiresAt + (CLOCK_SKEW_SECONDS + KEY_RELOAD_SECONDS) * 1000;
    const other = createKeyRing(stores.signingKeys, kek);
    expect((await other.jwks(gone)).keys.map((k) => k.kid)).not.toContain(old.kid);
    expect(await kids()).not.toContain(old.kid);
    expect(await kids()).toContain(rotated.kid);
    expect((await ring.signer('ES256', gone)).kid).toBe(rotated.kid);
    expect((await ring.list(gone)).map((k) => k.kid)).not.toContain(old.kid);
    // RS256 signing goes on too.
    expect((await ring.signer('RS256', gone)).kid).toBeTruthy();
  });
});
