import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, createUser, issueDeveloperToken, useTestApp } from './testing/fixtures.js';

const t = useTestApp();
let headers: Record<string, string>;
beforeAll(async () => {
  headers = bearer(await issueDeveloperToken(t.stores, await createUser(t.stores)));
});

const spa = {
  name: 'Wallet SPA',
  description: 'Shows your balance in the browser',
  redirect_uris: ['https://spa.example.com/cb', 'http://127.0.0.1/cb', 'com.example.wallet:/cb'],
  token_endpoint_auth_method: 'none',
  allowed_origins: ['http://127.0.0.1:5173'],
  device_grant_enabled: true,
};

const post = (url: string, payload: object, h = headers) =>
  t.app.inject({ method: 'POST', url, headers: h, payload });

describe('public clients in the developer API (SEC-50)', () => {
  it('registers a public client without a secret', async () => {
    const response = await post('/api/oauth_apps', spa);
    expect(response.statusCode, response.body).toBe(201);
    const data = response.json().data;
    expect(data).toMatchObject({
      token_endpoint_auth_method: 'none',
      allowed_origins: ['http://127.0.0.1:5173'],
      device_grant_enabled: true,
      redirect_uris: spa.redirect_uris,
    });
    expect(data).not.toHaveProperty('client_secret');
    const stored = await t.stores.db.clients.findByClientId(data.client_id);
    expect(stored).toMatchObject({ secretHash: null, tokenEndpointAuthMethod: 'none' });

    const rotate = await post(`/api/oauth_apps/${data.id}/secret`, {});
    expect(rotate.statusCode).toBe(400);
    expect(rotate.json().message).toMatch(/no secret/);
  });

  it('registers a confidential client by default, with a secret', async () => {
    const { token_endpoint_auth_method: _, allowed_origins: __, ...rest } = spa;
    const response = await post('/api/oauth_apps', {
      ...rest,
      redirect_uris: ['https://server.example.com/cb'],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().data).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret: expect.stringMatching(/^gth_cs_/),
    });
  });

  it('refuses browser origins and private-use schemes for confidential clients', async () => {
    const response = await post('/api/oauth_apps', {
      ...spa,
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/com\.example\.wallet.*public clients/);
    expect(response.json().message).toMatch(/allowed_origins/);
  });

  it('refuses to change the client type and keeps device_grant_enabled a real boolean', async () => {
    const created = (await post('/api/oauth_apps', spa)).json().data;
    const change = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${created.id}`,
      headers,
      payload: { token_endpoint_auth_method: 'client_secret_basic' },
    });
    expect(change.statusCode).toBe(400);
    const coerced = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${created.id}`,
      headers,
      payload: { device_grant_enabled: 'false' },
    });
    expect(coerced.statusCode).toBe(400);
    const origins = await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${created.id}`,
      headers,
      payload: { allowed_origins: ['https://other.example.com'], device_grant_enabled: false },
    });
    expect(origins.statusCode, origins.body).toBe(200);
    expect(origins.json().data).toMatchObject({
      allowed_origins: ['https://other.example.com'],
      device_grant_enabled: false,
    });
  });
});

describe('public clients in the admin API', () => {
  it('creates a public client and toggles its device grant', async () => {
    const response = await post('/api/admin/clients', spa, adminHeaders);
    expect(response.statusCode, response.body).toBe(201);
    const data = response.json().data;
    expect(data.token_endpoint_auth_method).toBe('none');
    expect(data).not.toHaveProperty('client_secret');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/clients/${data.client_id}`,
      headers: adminHeaders,
      payload: { device_grant_enabled: false },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().data.device_grant_enabled).toBe(false);
  });
});
