import { describe, expect, it } from 'vitest';
import {
  adminHeaders,
  bearer,
  createClient,
  createUser,
  issueAccessToken,
  issueDeveloperToken,
  useTestApp,
} from './testing/fixtures.js';

const t = useTestApp();

function expectApiError(response: { statusCode: number; body: string; json(): unknown }, pattern: RegExp) {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.json()).toMatchObject({ success: false, message: expect.stringMatching(pattern) });
}

describe('NUL and invalid UTF-8 are a 400 before any lookup (SEC-30)', () => {
  it('admin user search with a NUL', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/admin/users?q=a%00b',
      headers: adminHeaders,
    });
    expectApiError(response, /UTF-8/);
  });

  it('admin user search with invalid UTF-8', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/admin/users?q=%FF',
      headers: adminHeaders,
    });
    expectApiError(response, /UTF-8/);
  });

  it('admin user creation with a NUL in a JSON field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: adminHeaders,
      payload: { username: 'nulled', email: 'nul\u0000@example.com', password: 'a long enough password' },
    });
    expectApiError(response, /UTF-8/);
  });

  it('a NUL in a route parameter', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/api/admin/clients/gh_x%00',
      headers: adminHeaders,
      payload: { trusted: true },
    });
    expectApiError(response, /UTF-8/);
  });

  it('top-up link: a NUL in return_uri answers in OAuth form', async () => {
    const user = await createUser(t.stores);
    const client = await createClient(t.stores);
    const { token } = await issueAccessToken(t.stores, user, client, ['balance']);
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/oauth2/topup?return_uri=https%3A%2F%2Fapp.example.com%2F%00',
      headers: bearer(token),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('registered redirect URIs are visible ASCII (SEC-31)', () => {
  it.each([
    ['a tab', 'https://viewer.example.com/cb\tx'],
    ['a line feed', 'https://viewer.example.com/cb\nx'],
    ['non-ASCII', 'https://viewer.example.com/日本'],
  ])('the developer API refuses %s', async (_label, uri) => {
    const user = await createUser(t.stores);
    const headers = bearer(await issueDeveloperToken(t.stores, user));
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth_apps',
      headers,
      payload: { name: 'Viewer', description: 'x', redirect_uri: uri },
    });
    expectApiError(response, /visible ASCII/);
  });

  it('the admin API refuses them too', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/clients',
      headers: adminHeaders,
      payload: { name: 'Viewer', redirect_uris: ['https://viewer.example.com/\r\ncb'] },
    });
    expectApiError(response, /visible ASCII/);
  });
});
