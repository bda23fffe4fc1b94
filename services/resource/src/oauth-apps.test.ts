import { sha256Hex } from '@gatehouse/core';
import { buildTestApp, testConfig } from '@gatehouse/service-kit/testing';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createClient,
  createUser,
  issueAccessToken,
  issueDeveloperToken,
  registerResource,
  useTestApp,
} from './testing/fixtures.js';

const t = useTestApp();

async function developer() {
  const user = await createUser(t.stores);
  const token = await issueDeveloperToken(t.stores, user);
  return { user, token, headers: bearer(token) };
}

const newApp = {
  name: 'Balance Viewer',
  description: 'Shows your balance',
  redirect_uri: 'https://viewer.example.com/oauth/callback',
  homepage_url: 'https://viewer.example.com',
};

async function createApp(headers: Record<string, string>, body: object = newApp) {
  const response = await t.app.inject({ method: 'POST', url: '/api/oauth_apps', headers, payload: body });
  expect(response.statusCode).toBe(201);
  return response.json().data as { id: number; client_id: string; client_secret: string };
}

describe('developer token authentication', () => {
  it.each([
    ['no Authorization header', {}],
    ['an unknown token', bearer('gth_dt_unknown')],
    ['a malformed header', { authorization: 'Bearer a b' }],
  ])('401 in the wrapper for %s', async (_label, headers) => {
    const response = await t.app.inject({ method: 'GET', url: '/api/oauth_apps', headers });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ success: false, message: expect.any(String), data: null });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="gatehouse"');
  });

  it('401 for a revoked developer token', async () => {
    const { user, token, headers } = await developer();
    expect((await t.app.inject({ method: 'GET', url: '/api/oauth_apps', headers })).statusCode).toBe(200);
    const record = await t.stores.db.developerTokens.findActiveByHash(sha256Hex(token));
    await t.stores.db.developerTokens.revoke(record!.id, user.id, new Date());
    expect((await t.app.inject({ method: 'GET', url: '/api/oauth_apps', headers })).statusCode).toBe(401);
  });

  it('401 when the token owner is disabled', async () => {
    const { user, headers } = await developer();
    await t.stores.db.users.setStatus(user.id, 'disabled');
    expect((await t.app.inject({ method: 'GET', url: '/api/oauth_apps', headers })).statusCode).toBe(401);
  });

  it('checks the token before the body: no token and a bad body is still 401', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/oauth_apps', payload: {} });
    expect(response.statusCode).toBe(401);
  });
});

describe('POST /api/oauth_apps', () => {
  it('creates an app owned by the caller and shows the secret once; only its hash is stored', async () => {
    const { user, headers } = await developer();
    const response = await t.app.inject({ method: 'POST', url: '/api/oauth_apps', headers, payload: newApp });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ success: true, message: expect.any(String) });
    expect(body.data).toMatchObject({
      id: expect.any(Number),
      name: 'Balance Viewer',
      description: 'Shows your balance',
      homepage_url: 'https://viewer.example.com',
      client_id: expect.any(String),
      client_secret: expect.stringMatching(/^gth_cs_[A-Za-z0-9_-]{43}$/),
      redirect_uri: 'https://viewer.example.com/oauth/callback',
      redirect_uris: ['https://viewer.example.com/oauth/callback'],
      created_time: expect.any(Number),
    });
    expect(response.headers['cache-control']).toBe('no-store');
    const stored = await t.stores.db.clients.findById(body.data.id);
    expect(stored).toMatchObject({
      clientId: body.data.client_id,
      ownerUserId: user.id,
      trusted: false,
      secretHash: sha256Hex(body.data.client_secret),
    });
    const events = await t.stores.db.audit.list({ clientId: body.data.client_id, limit: 10 });
    expect(events.map((e) => e.type)).toEqual(['client.created']);
    expect(JSON.stringify(events)).not.toContain(body.data.client_secret);
  });

  it('accepts redirect_uris as an array; redirect_uri is the first', async () => {
    const { headers } = await developer();
    const uris = ['https://viewer.example.com/cb', 'http://localhost:3001/oauth/callback'];
    const { redirect_uri: _, ...rest } = newApp;
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth_apps',
      headers,
      payload: { ...rest, redirect_uris: uris },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().data).toMatchObject({ redirect_uri: uris[0], redirect_uris: uris });
  });

  it.each([
    ['a missing name', { name: undefined }, /^name is required$/],
    ['a name that is not a string', { name: {} }, /^name must be string$/],
    ['a missing description', { description: undefined }, /^description is required$/],
    ['no redirect URI', { redirect_uri: undefined }, /redirect_uri \(a string\) or redirect_uris/],
    [
      'a javascript: redirect URI',
      { redirect_uri: 'javascript:alert(1)' },
      /javascript scheme is not allowed/,
    ],
    ['a fragment', { redirect_uri: 'https://viewer.example.com/cb#x' }, /fragment/],
    ['a wildcard', { redirect_uri: 'https://*.example.com/cb' }, /wildcard/],
    ['a relative URI', { redirect_uri: '/cb' }, /absolute URL/],
    ['a bad homepage', { homepage_url: 'ftp://viewer.example.com' }, /^homepage_url must use https/],
  ])('400 for %s, saying what is wrong', async (_label, change, message) => {
    const { headers } = await developer();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth_apps',
      headers,
      payload: { ...newApp, ...change },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ success: false, message: expect.stringMatching(message), data: null });
  });

  it('400 in the wrapper for a body that is not a JSON object', async () => {
    const { headers } = await developer();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth_apps',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '[1,2]',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      success: false,
      message: 'the request body must be a JSON object',
      data: null,
    });
  });

  it('allows http redirect URIs on any host only in development mode', async () => {
    const production = await buildTestApp(registerResource, {
      stores: t.stores,
      config: testConfig({
        GATEHOUSE_ENV: 'production',
        ISSUER: 'https://auth.example.com',
        DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
        REDIS_URL: 'redis://127.0.0.1',
        SEED_DEMO_DATA: 'false',
        GATEHOUSE_KEY_ENCRYPTION_KEY: 'test-key-encryption-key-0123456789abcdef',
      }),
    });
    try {
      const { headers } = await developer();
      const payload = { ...newApp, redirect_uri: 'http://viewer.internal/cb', homepage_url: undefined };
      const refused = await production.inject({ method: 'POST', url: '/api/oauth_apps', headers, payload });
      expect(refused.statusCode).toBe(400);
      const accepted = await t.app.inject({ method: 'POST', url: '/api/oauth_apps', headers, payload });
      expect(accepted.statusCode).toBe(201);
    } finally {
      await production.close();
    }
  });
});

describe('GET /api/oauth_apps and /api/oauth_apps/:id', () => {
  it('lists only the caller’s apps, without secrets', async () => {
    const me = await developer();
    const other = await developer();
    const mine = await createApp(me.headers);
    await createApp(other.headers);
    const response = await t.app.inject({ method: 'GET', url: '/api/oauth_apps', headers: me.headers });
    expect(response.statusCode).toBe(200);
    const data = response.json().data as Record<string, unknown>[];
    expect(data.map((a) => a.client_id)).toEqual([mine.client_id]);
    expect(data[0]).not.toHaveProperty('client_secret');
    expect(response.body).not.toContain(mine.client_secret);
    expect(response.body).not.toContain(sha256Hex(mine.client_secret));
  });

  it('shows one of the caller’s apps without its secret', async () => {
    const { headers } = await developer();
    const app = await createApp(headers);
    const response = await t.app.inject({ method: 'GET', url: `/api/oauth_apps/${app.id}`, headers });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ id: app.id, client_id: app.client_id, name: newApp.name });
    expect(response.json().data).not.toHaveProperty('client_secret');
  });

  it('404 for another developer’s app, an unknown id and a non-numeric id', async () => {
    const me = await developer();
    const other = await developer();
    const theirs = await createApp(other.headers);
    for (const id of [String(theirs.id), '999999999', 'abc']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/oauth_apps/${id}`,
        headers: me.headers,
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ success: false, message: expect.any(String), data: null });
    }
  });
});

describe('OpenID Connect settings of an app (API.md §13)', () => {
  it('sets post_logout_redirect_uris and id_token_signed_response_alg at creation and on update', async () => {
    const { headers } = await developer();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/oauth_apps',
      headers,
      payload: {
        ...newApp,
        post_logout_redirect_uris: ['https://viewer.example.com/signed-out'],
        id_token_signed_response_alg: 'ES256',
      },
    });
    expect(created.statusCode).toBe(201);
    const app = created.json().data;
    expect(app).toMatchObject({
      post_logout_redirect_uris: ['https://viewer.example.com/signed-out'],
      id_token_signed_response_alg: 'ES256',
    });
    expect(await t.stores.db.clients.findById(app.id)).toMatchObject({
      postLogoutRedirectUris: ['https://viewer.example.com/signed-out'],
      idTokenSignedResponseAlg: 'ES256',
    });

    // Only an OIDC setting changes: that is a change, not an empty body.
    const updated = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${app.id}`,
      headers,
      payload: { id_token_signed_response_alg: 'RS256' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().data.id_token_signed_response_alg).toBe('RS256');

    for (const payload of [
      { id_token_signed_response_alg: 'none' },
      { post_logout_redirect_uris: ['javascript:alert(1)'] },
    ]) {
      const refused = await t.app.inject({
        method: 'PUT',
        url: `/api/oauth_apps/${app.id}`,
        headers,
        payload,
      });
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await t.stores.db.clients.findById(app.id))?.idTokenSignedResponseAlg).toBe('RS256');
  });
});

describe('PUT /api/oauth_apps/:id', () => {
  it('updates the fields sent and records the ones that really changed', async () => {
    const { headers } = await developer();
    const app = await createApp(headers);
    const uris = ['https://viewer.example.com/new-callback'];
    const response = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${app.id}`,
      headers,
      payload: { redirect_uris: uris, name: 'Renamed', description: newApp.description },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({
      name: 'Renamed',
      redirect_uri: uris[0],
      redirect_uris: uris,
    });
    expect((await t.stores.db.clients.findById(app.id))?.redirectUris).toEqual(uris);
    const events = await t.stores.db.audit.list({
      clientId: app.client_id,
      type: 'client.updated',
      limit: 10,
    });
    expect(events).toMatchObject([{ data: { changed: ['name', 'redirect_uris'], redirect_uris: uris } }]);
    const resent = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${app.id}`,
      headers,
      payload: { name: 'Renamed' },
    });
    expect(resent.statusCode).toBe(200);
    const after = await t.stores.db.audit.list({
      clientId: app.client_id,
      type: 'client.updated',
      limit: 10,
    });
    expect(after).toHaveLength(1);
  });

  it('400 for a bad redirect URI or an empty change; 404 for another developer’s app', async () => {
    const me = await developer();
    const other = await developer();
    const app = await createApp(me.headers);
    const theirs = await createApp(other.headers);
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${app.id}`,
      headers: me.headers,
      payload: { redirect_uri: 'https://viewer.example.com/cb#fragment' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^redirect_uri "[^"]+" must not contain a fragment/);
    const empty = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${app.id}`,
      headers: me.headers,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const foreign = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${theirs.id}`,
      headers: me.headers,
      payload: { name: 'Mine now' },
    });
    expect(foreign.statusCode).toBe(404);
    expect((await t.stores.db.clients.findById(theirs.id))?.name).toBe(newApp.name);
  });
});

describe('POST /api/oauth_apps/:id/secret', () => {
  it('rotates: the new secret is shown once, its hash is stored, the old hash is gone', async () => {
    const { headers } = await developer();
    const app = await createApp(headers);
    const response = await t.app.inject({ method: 'POST', url: `/api/oauth_apps/${app.id}/secret`, headers });
    expect(response.statusCode).toBe(200);
    const rotated = response.json().data;
    expect(rotated).toMatchObject({
      id: app.id,
      client_id: app.client_id,
      client_secret: expect.stringMatching(/^gth_cs_/),
    });
    expect(rotated.client_secret).not.toBe(app.client_secret);
    const stored = await t.stores.db.clients.findById(app.id);
    expect(stored?.secretHash).toBe(sha256Hex(rotated.client_secret));
    expect(stored?.secretHash).not.toBe(sha256Hex(app.client_secret));
    const events = await t.stores.db.audit.list({
      clientId: app.client_id,
      type: 'client.secret_rotated',
      limit: 10,
    });
    expect(events).toHaveLength(1);
  });

  it('404 for another developer’s app, whose secret stays as it was', async () => {
    const me = await developer();
    const other = await developer();
    const theirs = await createApp(other.headers);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/oauth_apps/${theirs.id}/secret`,
      headers: me.headers,
    });
    expect(response.statusCode).toBe(404);
    expect((await t.stores.db.clients.findById(theirs.id))?.secretHash).toBe(sha256Hex(theirs.client_secret));
  });
});

describe('DELETE /api/oauth_apps/:id', () => {
  it('revokes every token of the app, then deletes it', async () => {
    const { headers } = await developer();
    const app = await createApp(headers);
    const client = (await t.stores.db.clients.findById(app.id))!;
    const users = [await createUser(t.stores), await createUser(t.stores)];
    const tokens = await Promise.all(users.map((u) => issueAccessToken(t.stores, u, client, ['profile'])));
    const response = await t.app.inject({ method: 'DELETE', url: `/api/oauth_apps/${app.id}`, headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ success: true, data: { id: app.id, client_id: app.client_id } });
    for (const token of tokens) expect(await t.stores.cache.accessTokens.get(token.hash)).toBeNull();
    expect(await t.stores.db.clients.findById(app.id)).toBeNull();
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/oauth_apps/${app.id}`, headers })).statusCode,
    ).toBe(404);
    const events = await t.stores.db.audit.list({
      clientId: app.client_id,
      type: 'client.deleted',
      limit: 10,
    });
    expect(events).toHaveLength(1);
  });

  it('404 for another developer’s app, which keeps existing', async () => {
    const me = await developer();
    const owner = await createUser(t.stores);
    const theirs = await createClient(t.stores, { ownerUserId: owner.id });
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/oauth_apps/${theirs.id}`,
      headers: me.headers,
    });
    expect(response.statusCode).toBe(404);
    expect(await t.stores.db.clients.findById(theirs.id)).not.toBeNull();
  });
});
