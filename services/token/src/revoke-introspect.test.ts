import { randomToken, readRefreshToken, s256, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  accessTokenIsStored,
  basicAuth,
  createClient,
  credentials,
  expectNoStoreJson,
  expectOAuthError,
  issueCode,
  obtainTokens,
  postForm,
  REDIRECT_URI,
  refresh,
  refreshTokenExpiringAt,
  type TestClient,
  type TokenPair,
  useParties,
  useTokenApp,
} from './testing/harness.js';

const t = useTokenApp();
const p = useParties(t, ['app1', 'app2']);
let tokens: TokenPair;

beforeEach(async () => {
  tokens = await obtainTokens(t.app, t.stores, p.app1, p.user);
});

const revoke = (client: TestClient, token: string, extra: Record<string, string> = {}) =>
  postForm(t.app, '/api/oauth2/revoke', { token, ...credentials(client), ...extra });

const introspect = (client: TestClient, token: string) =>
  postForm(t.app, '/api/oauth2/introspect', { token, ...credentials(client) });

describe('revocation (RFC 7009)', () => {
  it('deletes a revoked access token, and only it', async () => {
    const response = await revoke(p.app1, tokens.access_token, { token_type_hint: 'access_token' });
    expect(response.statusCode, response.body).toBe(200);
    expectNoStoreJson(response);
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(false);
    expect((await refresh(t.app, p.app1, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('revokes a refresh token with its family’s access tokens', async () => {
    const response = await revoke(p.app1, tokens.refresh_token);
    expect(response.statusCode, response.body).toBe(200);
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(false);
    expectOAuthError(await refresh(t.app, p.app1, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('ignores a misleading or unsupported token_type_hint', async () => {
    const response = await revoke(p.app1, tokens.refresh_token, { token_type_hint: 'something_else' });
    expect(response.statusCode, response.body).toBe(200);
    expectOAuthError(await refresh(t.app, p.app1, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('answers 200 for another client’s tokens, exactly as for unknown ones, and leaves them alone', async () => {
    const foreignAccess = await revoke(p.app2, tokens.access_token);
    const foreignRefresh = await revoke(p.app2, tokens.refresh_token);
    const unknown = await revoke(p.app2, randomToken(TOKEN_PREFIX.refreshToken));
    const garbage = await revoke(p.app2, 'not-a-token');
    for (const response of [foreignAccess, foreignRefresh, unknown, garbage]) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).toBe(unknown.body);
    }
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(true);
    expect((await refresh(t.app, p.app1, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('a public client revokes with its client_id alone (metadata: revocation_endpoint_auth_methods_supported has none)', async () => {
    const pub = await createClient(t.stores, { public: true });
    const verifier = randomToken('');
    const { code } = await issueCode(t.stores, pub.client, p.user, { codeChallenge: s256(verifier) });
    const issued = await postForm(t.app, '/api/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      ...credentials(pub),
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const pair = issued.json() as TokenPair;
    const response = await revoke(pub, pair.refresh_token);
    expect(response.statusCode, response.body).toBe(200);
    expect(await accessTokenIsStored(t.stores, pair.access_token)).toBe(false);
    expectOAuthError(await refresh(t.app, pub, pair.refresh_token), 400, 'invalid_grant');
  });

  it('requires client authentication and a token', async () => {
    const anonymous = await postForm(t.app, '/api/oauth2/revoke', { token: tokens.access_token });
    expectOAuthError(anonymous, 401, 'invalid_client');
    const wrong = await postForm(
      t.app,
      '/api/oauth2/revoke',
      { token: tokens.access_token },
      {
        authorization: basicAuth(p.app1.client.clientId, 'wrong'),
      },
    );
    expectOAuthError(wrong, 401, 'invalid_client');
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="gatehouse"');
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(true);
    expectOAuthError(
      await postForm(t.app, '/api/oauth2/revoke', credentials(p.app1)),
      400,
      'invalid_request',
    );
  });

  it('refuses the token in the URL query', async () => {
    const response = await postForm(
      t.app,
      `/api/oauth2/revoke?token=${tokens.access_token}`,
      credentials(p.app1),
    );
    expectOAuthError(response, 400, 'invalid_request');
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(true);
  });
});

describe('introspection (RFC 7662)', () => {
  it('describes an active access token', async () => {
    const response = await introspect(p.app1, tokens.access_token);
    expect(response.statusCode, response.body).toBe(200);
    expectNoStoreJson(response);
    const data = await t.stores.cache.accessTokens.get(sha256Hex(tokens.access_token));
    expect(response.json()).toEqual({
      active: true,
      scope: 'profile balance',
      client_id: p.app1.client.clientId,
      username: p.user.username,
      sub: String(p.user.id),
      exp: data!.expiresAt,
      iat: data!.issuedAt,
      token_type: 'Bearer',
      auth_time: data!.authTime,
    });
  });

  it('describes an active refresh token', async () => {
    const response = await introspect(p.app1, tokens.refresh_token);
    const record = await t.stores.db.refreshTokens.find(readRefreshToken(tokens.refresh_token));
    expect(response.json()).toEqual({
      active: true,
      scope: 'profile balance',
      client_id: p.app1.client.clientId,
      username: p.user.username,
      sub: String(p.user.id),
      exp: Math.floor(record!.expiresAt.getTime() / 1000),
      iat: Math.floor(record!.createdAt.getTime() / 1000),
      token_type: 'refresh_token',
      auth_time: record!.authTime,
    });
  });

  it('reports {active:false} for unknown tokens and for other clients’ tokens', async () => {
    for (const [client, token] of [
      [p.app1, randomToken(TOKEN_PREFIX.accessToken)],
      [p.app1, randomToken(TOKEN_PREFIX.refreshToken)],
      [p.app1, 'not-a-token'],
      [p.app2, tokens.access_token],
      [p.app2, tokens.refresh_token],
    ] as const) {
      const response = await introspect(client, token);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ active: false });
    }
  });

  it('reports {active:false} for revoked, rotated and expired tokens', async () => {
    const rotated = (await refresh(t.app, p.app1, tokens.refresh_token)).json();
    expect((await introspect(p.app1, tokens.refresh_token)).json()).toEqual({ active: false });

    await revoke(p.app1, rotated.access_token);
    expect((await introspect(p.app1, rotated.access_token)).json()).toEqual({ active: false });

    const expired = await refreshTokenExpiringAt(t.stores, p.app1, p.user, new Date(Date.now() - 1000));
    expect((await introspect(p.app1, expired)).json()).toEqual({ active: false });
  });

  it('reports {active:false} once the user has been disabled', async () => {
    await t.stores.db.users.setStatus(p.user.id, 'disabled');
    expect((await introspect(p.app1, tokens.access_token)).json()).toEqual({ active: false });
    expect((await introspect(p.app1, tokens.refresh_token)).json()).toEqual({ active: false });
  });

  it('requires a confidential client', async () => {
    const pub = await createClient(t.stores, { public: true });
    expectOAuthError(await introspect(pub, tokens.access_token), 401, 'invalid_client');
    const anonymous = await postForm(t.app, '/api/oauth2/introspect', { token: tokens.access_token });
    expectOAuthError(anonymous, 401, 'invalid_client');
  });
});
