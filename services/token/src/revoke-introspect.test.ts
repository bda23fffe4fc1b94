import {
  randomToken,
  readRefreshToken,
  type Stores,
  s256,
  sha256Hex,
  TOKEN_PREFIX,
  type User,
} from '@gatehouse/core';
import { createTestStores } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accessTokenIsStored,
  basicAuth,
  buildTokenApp,
  createClient,
  createUser,
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
} from './testing/harness.js';

let stores: Stores & { close(): Promise<void> };
let app: FastifyInstance;
let user: User;
let app1: TestClient;
let app2: TestClient;
let tokens: TokenPair;

beforeAll(async () => {
  stores = await createTestStores();
  app = await buildTokenApp(stores);
});

afterAll(async () => {
  await app?.close();
  await stores?.close();
});

beforeEach(async () => {
  user = await createUser(stores);
  app1 = await createClient(stores);
  app2 = await createClient(stores);
  tokens = await obtainTokens(app, stores, app1, user);
});

const revoke = (client: TestClient, token: string, extra: Record<string, string> = {}) =>
  postForm(app, '/api/oauth2/revoke', { token, ...credentials(client), ...extra });

const introspect = (client: TestClient, token: string) =>
  postForm(app, '/api/oauth2/introspect', { token, ...credentials(client) });

describe('revocation (RFC 7009)', () => {
  it('deletes a revoked access token, and only it', async () => {
    const response = await revoke(app1, tokens.access_token, { token_type_hint: 'access_token' });
    expect(response.statusCode, response.body).toBe(200);
    expectNoStoreJson(response);
    expect(await accessTokenIsStored(stores, tokens.access_token)).toBe(false);
    expect((await refresh(app, app1, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('revokes a refresh token with its family’s access tokens', async () => {
    const response = await revoke(app1, tokens.refresh_token);
    expect(response.statusCode, response.body).toBe(200);
    expect(await accessTokenIsStored(stores, tokens.access_token)).toBe(false);
    expectOAuthError(await refresh(app, app1, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('ignores a misleading or unsupported token_type_hint', async () => {
    const response = await revoke(app1, tokens.refresh_token, { token_type_hint: 'something_else' });
    expect(response.statusCode, response.body).toBe(200);
    expectOAuthError(await refresh(app, app1, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('answers 200 for another client’s tokens, exactly as for unknown ones, and leaves them alone', async () => {
    const foreignAccess = await revoke(app2, tokens.access_token);
    const foreignRefresh = await revoke(app2, tokens.refresh_token);
    const unknown = await revoke(app2, randomToken(TOKEN_PREFIX.refreshToken));
    const garbage = await revoke(app2, 'not-a-token');
    for (const response of [foreignAccess, foreignRefresh, unknown, garbage]) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).toBe(unknown.body);
    }
    expect(await accessTokenIsStored(stores, tokens.access_token)).toBe(true);
    expect((await refresh(app, app1, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('a public client revokes with its client_id alone (metadata: revocation_endpoint_auth_methods_supported has none)', async () => {
    const pub = await createClient(stores, { public: true });
    const verifier = randomToken('');
    const { code } = await issueCode(stores, pub.client, user, { codeChallenge: s256(verifier) });
    const issued = await postForm(app, '/api/oauth2/token', {
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
    expect(await accessTokenIsStored(stores, pair.access_token)).toBe(false);
    expectOAuthError(await refresh(app, pub, pair.refresh_token), 400, 'invalid_grant');
  });

  it('requires client authentication and a token', async () => {
    const anonymous = await postForm(app, '/api/oauth2/revoke', { token: tokens.access_token });
    expectOAuthError(anonymous, 401, 'invalid_client');
    const wrong = await postForm(
      app,
      '/api/oauth2/revoke',
      { token: tokens.access_token },
      {
        authorization: basicAuth(app1.client.clientId, 'wrong'),
      },
    );
    expectOAuthError(wrong, 401, 'invalid_client');
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="gatehouse"');
    expect(await accessTokenIsStored(stores, tokens.access_token)).toBe(true);
    expectOAuthError(await postForm(app, '/api/oauth2/revoke', credentials(app1)), 400, 'invalid_request');
  });

  it('refuses the token in the URL query', async () => {
    const response = await postForm(
      app,
      `/api/oauth2/revoke?token=${tokens.access_token}`,
      credentials(app1),
    );
    expectOAuthError(response, 400, 'invalid_request');
    expect(await accessTokenIsStored(stores, tokens.access_token)).toBe(true);
  });
});

describe('introspection (RFC 7662)', () => {
  it('describes an active access token', async () => {
    const response = await introspect(app1, tokens.access_token);
    expect(response.statusCode, response.body).toBe(200);
    expectNoStoreJson(response);
    const data = await stores.cache.accessTokens.get(sha256Hex(tokens.access_token));
    expect(response.json()).toEqual({
      active: true,
      scope: 'profile balance',
      client_id: app1.client.clientId,
      username: user.username,
      sub: String(user.id),
      exp: data!.expiresAt,
      iat: data!.issuedAt,
      token_type: 'Bearer',
      auth_time: data!.authTime,
    });
  });

  it('describes an active refresh token', async () => {
    const response = await introspect(app1, tokens.refresh_token);
    const record = await stores.db.refreshTokens.find(readRefreshToken(tokens.refresh_token));
    expect(response.json()).toEqual({
      active: true,
      scope: 'profile balance',
      client_id: app1.client.clientId,
      username: user.username,
      sub: String(user.id),
      exp: Math.floor(record!.expiresAt.getTime() / 1000),
      iat: Math.floor(record!.createdAt.getTime() / 1000),
      token_type: 'refresh_token',
      auth_time: record!.authTime,
    });
  });

  it('reports {active:false} for unknown tokens and for other clients’ tokens', async () => {
    for (const [client, token] of [
      [app1, randomToken(TOKEN_PREFIX.accessToken)],
      [app1, randomToken(TOKEN_PREFIX.refreshToken)],
      [app1, 'not-a-token'],
      [app2, tokens.access_token],
      [app2, tokens.refresh_token],
    ] as const) {
      const response = await introspect(client, token);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ active: false });
    }
  });

  it('reports {active:false} for revoked, rotated and expired tokens', async () => {
    const rotated = (await refresh(app, app1, tokens.refresh_token)).json();
    expect((await introspect(app1, tokens.refresh_token)).json()).toEqual({ active: false });

    await revoke(app1, rotated.access_token);
    expect((await introspect(app1, rotated.access_token)).json()).toEqual({ active: false });

    const expired = await refreshTokenExpiringAt(stores, app1, user, new Date(Date.now() - 1000));
    expect((await introspect(app1, expired)).json()).toEqual({ active: false });
  });

  it('reports {active:false} once the user has been disabled', async () => {
    await stores.db.users.setStatus(user.id, 'disabled');
    expect((await introspect(app1, tokens.access_token)).json()).toEqual({ active: false });
    expect((await introspect(app1, tokens.refresh_token)).json()).toEqual({ active: false });
  });

  it('requires a confidential client', async () => {
    const pub = await createClient(stores, { public: true });
    expectOAuthError(await introspect(pub, tokens.access_token), 401, 'invalid_client');
    const anonymous = await postForm(app, '/api/oauth2/introspect', { token: tokens.access_token });
    expectOAuthError(anonymous, 401, 'invalid_client');
  });
});
