import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  bearer,
  createClient,
  createUser,
  issueAccessToken,
  issueDeveloperToken,
  useTestApp,
} from './testing/fixtures.js';

/**
 * SEC-27 and 29: with a store down, the resource endpoints answer 503 JSON —
 * never 200 and never a guess — and no 5xx body says more than that.
 */
describe('fail closed when a store is down', () => {
  const t = useTestApp();
  let accessToken: string;
  let developerToken: string;

  beforeAll(async () => {
    const user = await createUser(t.stores);
    const client = await createClient(t.stores);
    accessToken = (await issueAccessToken(t.stores, user, client, ['profile', 'balance'])).token;
    developerToken = await issueDeveloperToken(t.stores, user);
  });

  const expectGeneric503 = (body: string) => {
    expect(body).not.toMatch(/select|insert|stack|at .*\.js|PGlite|ECONNREFUSED|Redis/i);
  };

  it('serves normally while the stores are up', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/oauth2/userinfo',
      headers: bearer(accessToken),
    });
    expect(response.statusCode).toBe(200);
  });

  describe('database down', () => {
    beforeAll(async () => {
      await t.stores.db.close();
    });

    it('userinfo: 503 temporarily_unavailable with Retry-After', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/oauth2/userinfo',
        headers: bearer(accessToken),
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
      expectGeneric503(response.body);
    });

    it('top-up link: 503 temporarily_unavailable', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/oauth2/topup',
        headers: bearer(accessToken),
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toBe('temporarily_unavailable');
    });

    it('developer API: 503 in the wrapper, not 401', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/oauth_apps',
        headers: bearer(developerToken),
      });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ success: false, message: expect.any(String), data: null });
      expectGeneric503(response.body);
    });

    it('admin API: 503 in the wrapper', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/admin/users/1/credits',
        headers: { ...adminHeaders, 'idempotency-key': 'k1' },
        payload: { quota: 5, reason: 'x' },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ success: false, data: null });
    });
  });
});
