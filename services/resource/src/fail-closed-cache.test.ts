import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, createClient, createUser, issueAccessToken, useTestApp } from './testing/fixtures.js';

/** SEC-27 with the cache down and the database up: 503, never "invalid token". */
describe('fail closed when the cache is down', () => {
  const t = useTestApp({ admin: false });
  let accessToken: string;

  beforeAll(async () => {
    const user = await createUser(t.stores);
    const client = await createClient(t.stores);
    accessToken = (await issueAccessToken(t.stores, user, client, ['profile', 'balance'])).token;
  });

  it('userinfo and the top-up link: 503 temporarily_unavailable, not 401', async () => {
    const before = await t.app.inject({
      method: 'GET',
      url: '/api/oauth2/userinfo',
      headers: bearer(accessToken),
    });
    expect(before.statusCode).toBe(200);
    await t.stores.cache.close();
    for (const url of ['/api/oauth2/userinfo', '/api/oauth2/topup']) {
      const response = await t.app.inject({ method: 'GET', url, headers: bearer(accessToken) });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
      expect(response.headers['www-authenticate']).toBeUndefined();
    }
  });
});
