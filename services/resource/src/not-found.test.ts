import { buildTestApp, testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, registerResource, useTestApp } from './testing/fixtures.js';

const t = useTestApp();
let withoutAdmin: FastifyInstance;
beforeAll(async () => {
  withoutAdmin = await buildTestApp(registerResource, { stores: t.stores, config: testConfig() });
});
afterAll(async () => {
  await withoutAdmin?.close();
});

describe('unknown paths and methods (API.md §10)', () => {
  it.each([
    ['GET', '/api/oauth_apps/1/nothing'],
    ['PATCH', '/api/oauth_apps'],
    ['GET', '/api/admin/nothing'],
  ] as const)('%s %s: 404 in the wrapper', async (method, url) => {
    const response = await t.app.inject({ method, url, headers: adminHeaders });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      success: false,
      message: `there is no ${method} ${url} endpoint`,
      data: null,
    });
  });

  it('the admin API without an admin token: the wrapper 404, saying the API is off and how to turn it on', async () => {
    const response = await withoutAdmin.inject({ url: '/api/admin/users?q=x', headers: adminHeaders });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      success: false,
      message: expect.stringMatching(
        /^the admin API is disabled on this server: start it with GATEHOUSE_ADMIN_TOKEN/,
      ),
      data: null,
    });
  });

  it('under /api/oauth2/ the OAuth error body', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/oauth2/userinfo' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: 'not_found',
      error_description: 'there is no POST /api/oauth2/userinfo endpoint',
    });
  });
});
