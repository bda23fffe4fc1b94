import { sha256Hex } from '@gatehouse/core';
import { atHash, keyRingOf } from '@gatehouse/core/oidc';
import { testConfig } from '@gatehouse/service-kit/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  credentials,
  issueCode,
  obtainTokens,
  postForm,
  refresh,
  useParties,
  useTokenApp,
} from './testing/harness.js';

const ISSUER = 'http://localhost:3000';
const config = testConfig();

const t = useTokenApp(config);
const p = useParties(t, ['client']);

async function verify(idToken: string) {
  const jwks = createLocalJWKSet(await keyRingOf(t.stores, config).jwks(Date.now()));
  return jwtVerify(idToken, jwks, { issuer: ISSUER, audience: p.client.client.clientId });
}

describe('ID tokens from the token endpoint (OIDC Core §3.1.3, SEC-41, SEC-44, SEC-46)', () => {
  it('the code exchange with openid returns an ID token bound to the request and the access token', async () => {
    const authTime = Math.floor(Date.now() / 1000) - 120;
    const tokens = await obtainTokens(t.app, t.stores, p.client, p.user, {
      scopes: ['openid', 'profile', 'email'],
      authTime,
      nonce: 'n-0S6_WzA2Mj',
      sid: 'a'.repeat(32),
    });
    const { id_token } = tokens as unknown as { id_token: string };
    const { payload, protectedHeader } = await verify(id_token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: ISSUER,
      sub: String(p.user.id),
      aud: p.client.client.clientId,
      azp: p.client.client.clientId,
      auth_time: authTime,
      nonce: 'n-0S6_WzA2Mj',
      sid: 'a'.repeat(32),
      at_hash: atHash(tokens.access_token),
      email: p.user.email,
      email_verified: false,
      preferred_username: p.user.username,
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('carries the sign-in methods of the code as amr, and none for codes without them (SEC-71)', async () => {
    const withOtp = await obtainTokens(t.app, t.stores, p.client, p.user, {
      scopes: ['openid'],
      amr: ['pwd', 'otp'],
    });
    const { payload } = await verify((withOtp as unknown as { id_token: string }).id_token);
    expect(payload.amr).toEqual(['pwd', 'otp']);
    // A code issued before codes recorded the sign-in methods.
    const { code, data } = await issueCode(t.stores, p.client.client, p.user, { scopes: ['openid'] });
    const { amr: _, ...withoutAmr } = data;
    await t.stores.cache.codes.put(sha256Hex(code), withoutAmr, 60);
    const older = await postForm(t.app, '/api/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: data.redirectUri,
      ...credentials(p.client),
    });
    const { payload: olderPayload } = await verify(older.json().id_token);
    expect(olderPayload).not.toHaveProperty('amr');
  });

  it('never issues an ID token without openid', async () => {
    const tokens = await obtainTokens(t.app, t.stores, p.client, p.user, { scopes: ['profile'], nonce: 'n' });
    expect(tokens).not.toHaveProperty('id_token');
  });

  it('the refresh grant returns a new ID token with the same sub and auth_time, and no nonce', async () => {
    const authTime = Math.floor(Date.now() / 1000) - 600;
    const first = await obtainTokens(t.app, t.stores, p.client, p.user, {
      scopes: ['openid', 'profile'],
      authTime,
      nonce: 'n-1',
      sid: 'b'.repeat(32),
    });
    const response = await refresh(t.app, p.client, first.refresh_token);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    const { payload } = await verify(body.id_token);
    expect(payload).toMatchObject({ sub: String(p.user.id), auth_time: authTime, sid: 'b'.repeat(32) });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.at_hash).toBe(atHash(body.access_token));

    // Narrowed to a scope without openid: no ID token.
    const narrowed = await refresh(t.app, p.client, body.refresh_token, { scope: 'profile' });
    expect(narrowed.json()).not.toHaveProperty('id_token');
  });

  it('signs with ES256 for a client registered for it', async () => {
    await t.stores.db.clients.update(p.client.client.id, { idTokenSignedResponseAlg: 'ES256' });
    const tokens = await obtainTokens(t.app, t.stores, p.client, p.user, { scopes: ['openid'] });
    const { id_token } = tokens as unknown as { id_token: string };
    expect(decodeProtectedHeader(id_token).alg).toBe('ES256');
    await expect(verify(id_token)).resolves.toBeTruthy();
  });

  it('introspection reports auth_time for access and refresh tokens', async () => {
    const authTime = Math.floor(Date.now() / 1000) - 30;
    const tokens = await obtainTokens(t.app, t.stores, p.client, p.user, { scopes: ['openid'], authTime });
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const response = await postForm(t.app, '/api/oauth2/introspect', { token, ...credentials(p.client) });
      expect(response.json()).toMatchObject({ active: true, auth_time: authTime });
    }
  });
});
