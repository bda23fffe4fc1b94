import { describe, expect, it } from 'vitest';
import { seedClient, useAuthorizeApp } from '../testing/harness.js';

const world = useAuthorizeApp();

const ORIGIN = 'https://spa.example.com';

describe('CORS in the authorize service (SEC-55, SEC-08)', () => {
  it('lets any origin read the metadata, without credentials', async () => {
    const response = await world.app.inject({
      url: '/.well-known/oauth-authorization-server',
      headers: { origin: ORIGIN },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    const preflight = await world.app.inject({
      method: 'OPTIONS',
      url: '/.well-known/oauth-authorization-server',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-max-age']).toBe('600');
  });

  it.each([
    '/',
    '/login',
    '/signup',
    '/logout',
    '/console',
    '/account',
    '/topup',
    '/device',
    '/device/decision',
    '/api/oauth2/authorize',
    '/api/oauth2/logout',
  ])('%s never answers a preflight and sends no CORS headers', async (url) => {
    const preflight = await world.app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await world.app.inject({ url, headers: { origin: ORIGIN } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('the authorization endpoint sends no CORS headers to a public client origin', async () => {
    const spa = await seedClient(world.stores, { public: true, redirectUris: [`${ORIGIN}/cb`] });
    const response = await world.app.inject({
      url: `/api/oauth2/authorize?client_id=${spa.client.clientId}&redirect_uri=${encodeURIComponent(spa.redirectUri)}&response_type=code&state=s`,
      headers: { origin: ORIGIN },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
