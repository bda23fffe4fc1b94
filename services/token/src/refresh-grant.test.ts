import { randomToken, readRefreshToken, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessTokenIsStored,
  buildTokenApp,
  expectOAuthError,
  obtainTokens,
  refresh,
  refreshTokenExpiringAt,
  useParties,
  useTokenApp,
} from './testing/harness.js';

const t = useTokenApp();
const p = useParties(t, ['app1', 'app2']);
/** The same stores, with REFRESH_GRACE_SECONDS=30. */
let graceApp: FastifyInstance;

beforeAll(async () => {
  graceApp = await buildTokenApp(t.stores, testConfig({ REFRESH_GRACE_SECONDS: '30' }));
});

afterAll(async () => {
  await graceApp?.close();
});

describe('refresh token rotation (SEC-11)', () => {
  it('rotates on every use: a new pair, the old refresh token spent', async () => {
    const first = await obtainTokens(t.app, t.stores, p.app1, p.user);
    const response = await refresh(t.app, p.app1, first.refresh_token);
    expect(response.statusCode, response.body).toBe(200);
    const second = response.json();
    expect(second.refresh_token).toMatch(/^gth_rt_/);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.scope).toBe('profile balance');
    const old = await t.stores.db.refreshTokens.find(readRefreshToken(first.refresh_token));
    expect(old!.rotatedAt).not.toBeNull();
    expect(old!.replacedByHash).toBe(sha256Hex(second.refresh_token));
    expect((await refresh(t.app, p.app1, second.refresh_token)).statusCode).toBe(200);
  });

  it('revokes the whole family, access tokens included, when a rotated token comes back', async () => {
    const first = await obtainTokens(t.app, t.stores, p.app1, p.user);
    const second = (await refresh(t.app, p.app1, first.refresh_token)).json();

    expectOAuthError(await refresh(t.app, p.app1, first.refresh_token), 400, 'invalid_grant');

    expect(await accessTokenIsStored(t.stores, first.access_token)).toBe(false);
    expect(await accessTokenIsStored(t.stores, second.access_token)).toBe(false);
    expectOAuthError(await refresh(t.app, p.app1, second.refresh_token), 400, 'invalid_grant');
    const events = await t.stores.db.audit.list({
      type: 'refresh_token.reuse_detected',
      userId: p.user.id,
      limit: 5,
    });
    expect(events[0]).toMatchObject({
      clientId: p.app1.client.clientId,
      data: { familyId: first.familyId, familyRevoked: true },
    });
    expect(JSON.stringify(events)).not.toContain(first.refresh_token);
  });

  it('refuses another client’s refresh token and leaves it working for its owner', async () => {
    const tokens = await obtainTokens(t.app, t.stores, p.app1, p.user);
    expectOAuthError(await refresh(t.app, p.app2, tokens.refresh_token), 400, 'invalid_grant');
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(true);
    expect((await refresh(t.app, p.app1, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('refuses unknown refresh tokens', async () => {
    expectOAuthError(
      await refresh(t.app, p.app1, randomToken(TOKEN_PREFIX.refreshToken)),
      400,
      'invalid_grant',
    );
  });

  it('may narrow the scope of the access token, while the grant keeps its scope', async () => {
    const tokens = await obtainTokens(t.app, t.stores, p.app1, p.user);
    const narrowed = await refresh(t.app, p.app1, tokens.refresh_token, { scope: 'balance' });
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    expect(narrowed.json().scope).toBe('balance');
    const data = await t.stores.cache.accessTokens.get(sha256Hex(narrowed.json().access_token));
    expect(data!.scopes).toEqual(['balance']);
    // RFC 6749 §6: the new refresh token has the scope of the one it replaced.
    const again = await refresh(t.app, p.app1, narrowed.json().refresh_token);
    expect(again.json().scope).toBe('profile balance');
  });

  it('never widens the scope', async () => {
    const tokens = await obtainTokens(t.app, t.stores, p.app1, p.user, { scopes: ['profile'] });
    expectOAuthError(
      await refresh(t.app, p.app1, tokens.refresh_token, { scope: 'profile balance' }),
      400,
      'invalid_scope',
    );
    // A refused request spends nothing.
    expect((await refresh(t.app, p.app1, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('enforces the family’s absolute lifetime: rotation never extends it', async () => {
    const familyExpiresAt = new Date(Date.now() + 100_000);
    const token = await refreshTokenExpiringAt(t.stores, p.app1, p.user, familyExpiresAt);
    const response = await refresh(t.app, p.app1, token);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().refresh_token_expires_in).toBeLessThanOrEqual(100);
    expect(response.json().refresh_token_expires_in).toBeGreaterThanOrEqual(98);
    const next = await t.stores.db.refreshTokens.find(readRefreshToken(response.json().refresh_token));
    expect(next!.expiresAt.getTime()).toBe(familyExpiresAt.getTime());
  });

  it('refuses a refresh token whose family lifetime is over', async () => {
    const token = await refreshTokenExpiringAt(t.stores, p.app1, p.user, new Date(Date.now() - 1000));
    expectOAuthError(await refresh(t.app, p.app1, token), 400, 'invalid_grant');
  });

  it('applies REFRESH_TOKEN_TTL to new families', async () => {
    const shortApp = await buildTokenApp(
      t.stores,
      testConfig({ REFRESH_TOKEN_TTL: '120', ACCESS_TOKEN_TTL: '60' }),
    );
    try {
      const tokens = await obtainTokens(shortApp, t.stores, p.app1, p.user);
      expect(tokens.refresh_token_expires_in).toBe(120);
      expect(tokens.expires_in).toBe(60);
    } finally {
      await shortApp.close();
    }
  });

  it('refuses to refresh for a disabled user and revokes the family', async () => {
    const tokens = await obtainTokens(t.app, t.stores, p.app1, p.user);
    await t.stores.db.users.setStatus(p.user.id, 'disabled');
    expectOAuthError(await refresh(t.app, p.app1, tokens.refresh_token), 400, 'invalid_grant');
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(false);
    const record = await t.stores.db.refreshTokens.find(readRefreshToken(tokens.refresh_token));
    expect(record!.revokedAt).not.toBeNull();
  });
});

describe('refresh grace window (REFRESH_GRACE_SECONDS)', () => {
  it('answers an immediate retry with invalid_grant but keeps the family alive', async () => {
    const first = await obtainTokens(graceApp, t.stores, p.app1, p.user);
    const second = (await refresh(graceApp, p.app1, first.refresh_token)).json();

    expectOAuthError(await refresh(graceApp, p.app1, first.refresh_token), 400, 'invalid_grant');

    expect(await accessTokenIsStored(t.stores, second.access_token)).toBe(true);
    expect((await refresh(graceApp, p.app1, second.refresh_token)).statusCode).toBe(200);
  });

  it('still revokes the family when the retried token is no longer the immediate predecessor', async () => {
    const first = await obtainTokens(graceApp, t.stores, p.app1, p.user);
    const second = (await refresh(graceApp, p.app1, first.refresh_token)).json();
    const third = (await refresh(graceApp, p.app1, second.refresh_token)).json();

    expectOAuthError(await refresh(graceApp, p.app1, first.refresh_token), 400, 'invalid_grant');

    expect(await accessTokenIsStored(t.stores, third.access_token)).toBe(false);
    expectOAuthError(await refresh(graceApp, p.app1, third.refresh_token), 400, 'invalid_grant');
  });
});
