import { randomId } from '@gatehouse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser, issueAccessToken, useTestApp } from './testing/fixtures.js';

const t = useTestApp();
const A = `http://127.0.0.1:${6000 + Math.floor(Math.random() * 1000)}`;
const B = `https://b-${randomId(6)
  .toLowerCase()
  .replace(/[^a-z0-9]/g, 'x')}.example.com`;
let tokenA: string;
let tokenB: string;
let tokenConfidential: string;

beforeAll(async () => {
  const user = await createUser(t.stores);
  const create = (
    name: string,
    secretHash: string | null,
    redirectUris: string[],
    allowedOrigins: string[],
  ) =>
    t.stores.db.clients.create({
      clientId: `gh_${randomId(12)}`,
      secretHash,
      name,
      redirectUris,
      allowedOrigins,
      allowedScopes: ['profile', 'balance'],
    });
  const a = await create('SPA A', null, ['http://127.0.0.1/cb'], [A]);
  const b = await create('SPA B', null, [`${B}/cb`], []);
  const c = await create('Server C', 'f'.repeat(64), ['https://c.example.com/cb'], []);
  tokenA = (await issueAccessToken(t.stores, user, a, ['profile', 'balance'])).token;
  tokenB = (await issueAccessToken(t.stores, user, b, ['profile', 'balance'])).token;
  tokenConfidential = (await issueAccessToken(t.stores, user, c, ['profile', 'balance'])).token;
});

const get = (url: string, token: string, origin: string) =>
  t.app.inject({ method: 'GET', url, headers: { ...bearer(token), origin } });

describe('CORS on userinfo and the top-up link (SEC-55)', () => {
  it.each(['/api/oauth2/userinfo', '/api/oauth2/topup'])(
    '%s is readable by the web origins of the token’s own client, without credentials',
    async (url) => {
      const fromA = await get(url, tokenA, A);
      expect(fromA.statusCode, fromA.body).toBe(200);
      expect(fromA.headers['access-control-allow-origin']).toBe(A);
      expect(fromA.headers['access-control-allow-credentials']).toBeUndefined();
      const fromB = await get(url, tokenB, B);
      expect(fromB.headers['access-control-allow-origin']).toBe(B);
    },
  );

  it("one public client's origin cannot read another client's token answer", async () => {
    const crossed = await get('/api/oauth2/userinfo', tokenB, A);
    expect(crossed.headers['access-control-allow-origin']).toBeUndefined();
    const confidential = await get('/api/oauth2/userinfo', tokenConfidential, A);
    expect(confidential.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an unregistered origin gets no Access-Control-Allow-Origin', async () => {
    const response = await get('/api/oauth2/userinfo', tokenA, 'https://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/oauth2/userinfo',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers the preflight of a public client origin, cached, allowing the Authorization header', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/oauth2/topup',
      headers: {
        origin: A,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': A,
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '600',
    });
  });

  it('lets a public client origin read a 401, so the page knows to refresh', async () => {
    const response = await get('/api/oauth2/userinfo', 'gth_at_dead', A);
    expect(response.statusCode).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe(A);
  });

  it('the developer and admin APIs answer no preflight', async () => {
    for (const url of ['/api/oauth_apps', '/api/admin/clients']) {
      const response = await t.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: A, 'access-control-request-method': 'GET' },
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
