import { buildTestApp, createTestStores, testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createClient,
  createUser,
  issueAccessToken,
  registerResource,
  type TestStores,
} from './testing/fixtures.js';

/** SEC-27 with the cache down and the database up: 503, never "invalid token". */
describe('fail closed when the cache is down', () => {
  let stores: TestStores;
  let app: FastifyInstance;
  let accessToken: string;

  beforeAll(async () => {
    stores = await createTestStores();
    app = await buildTestApp(registerResource, { stores, config: testConfig() });
    const user = await createUser(stores);
    const client = await createClient(stores);
    accessToken = (await issueAccessToken(stores, user, client, ['profile', 'balance'])).token;
  });
  afterAll(async () => {
    await app?.close();
    await stores?.close();
  });

  it('userinfo and the top-up link: 503 temporarily_unavailable, not 401', async () => {
    const before = await app.inject({
      method: 'GET',
      url: '/api/oauth2/userinfo',
      headers: bearer(accessToken),
    });
    expect(before.statusCode).toBe(200);
    await stores.cache.close();
    for (const url of ['/api/oauth2/userinfo', '/api/oauth2/topup']) {
      const response = await app.inject({ method: 'GET', url, headers: bearer(accessToken) });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
      expect(response.headers['www-authenticate']).toBeUndefined();
    }
  });
});
