import { describe, expect, it } from 'vitest';
import { bearer, createClient, createUser, issueAccessToken, useTestApp } from './testing/fixtures.js';

const t = useTestApp({ env: { ISSUER: 'https://auth.example.com' } });

const REDIRECT_URIS = ['https://app.example.com/oauth/callback', 'http://localhost:3001/oauth/callback'];

async function tokenFor(scopes: string[]) {
  const user = await createUser(t.stores);
  const client = await createClient(t.stores, { redirectUris: REDIRECT_URIS });
  const { token } = await issueAccessToken(t.stores, user, client, scopes);
  return { token, client, user };
}

function topup(token: string | null, query = '') {
  return t.app.inject({
    method: 'GET',
    url: `/api/oauth2/topup${query}`,
    headers: token ? bearer(token) : {},
  });
}

describe('GET /api/oauth2/topup (API.md §5)', () => {
  it('returns {topup_url} naming the app on the issuer origin', async () => {
    const { token, client } = await tokenFor(['balance']);
    const response = await topup(token);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      topup_url: `https://auth.example.com/topup?client_id=${client.clientId}`,
    });
  });

  it.each([
    'https://app.example.com/wallet?tab=balance',
    'https://app.example.com',
    'http://localhost:3001/after-topup',
  ])('carries a return_uri on a registered origin: %s', async (returnUri) => {
    const { token, client } = await tokenFor(['profile', 'balance']);
    const response = await topup(token, `?return_uri=${encodeURIComponent(returnUri)}`);
    expect(response.statusCode).toBe(200);
    const url = new URL(response.json().topup_url);
    expect(url.origin + url.pathname).toBe('https://auth.example.com/topup');
    expect(url.searchParams.get('client_id')).toBe(client.clientId);
    expect(url.searchParams.get('return_uri')).toBe(returnUri);
  });

  it.each([
    ['another host', 'https://evil.example.com/wallet'],
    ['another port', 'https://app.example.com:8443/wallet'],
    ['another scheme', 'http://app.example.com/wallet'],
    ['a javascript: URL', 'javascript:alert(document.cookie)'],
    ['the userinfo trick', 'https://app.example.com@evil.example.com/'],
    ['a relative path', '/wallet'],
  ])('refuses a return_uri on %s with 400 invalid_request', async (_label, returnUri) => {
    const { token } = await tokenFor(['balance']);
    const response = await topup(token, `?return_uri=${encodeURIComponent(returnUri)}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/return_uri/),
    });
  });

  it('refuses a repeated return_uri', async () => {
    const { token } = await tokenFor(['balance']);
    const response = await topup(
      token,
      `?return_uri=${encodeURIComponent('https://app.example.com/a')}&return_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(response.statusCode).toBe(400);
  });

  it('a token without the balance scope: 403 insufficient_scope, scope="balance"', async () => {
    const { token } = await tokenFor(['profile']);
    const response = await topup(token);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('insufficient_scope');
    expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="balance"$/);
  });

  it('no token: 401 with a bare challenge; a token in the query string: 400', async () => {
    const missing = await topup(null);
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="gatehouse"');
    const { token } = await tokenFor(['balance']);
    expect((await topup(null, `?access_token=${token}`)).statusCode).toBe(400);
  });

  it('a disabled app or user gets no link', async () => {
    const forApp = await tokenFor(['balance']);
    await t.stores.db.clients.update(forApp.client.id, { disabled: true });
    expect((await topup(forApp.token)).statusCode).toBe(401);
    const forUser = await tokenFor(['balance']);
    await t.stores.db.users.setStatus(forUser.user.id, 'disabled');
    expect((await topup(forUser.token)).statusCode).toBe(401);
  });
});
