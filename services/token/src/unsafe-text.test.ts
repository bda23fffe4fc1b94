import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { basicAuth, expectOAuthError, useTokenApp } from './testing/harness.js';

const t = useTokenApp();

/** The SEC-30 answer itself, not some later invalid_request of the grant. */
function expectRefused(response: LightMyRequestResponse): void {
  expectOAuthError(response, 400, 'invalid_request');
  expect(response.json().error_description).toMatch(/UTF-8/);
}

function postRaw(url: string, payload: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload,
  });
}

describe('NUL and invalid UTF-8 are invalid_request before any lookup (SEC-30)', () => {
  it.each([
    [
      'a NUL in client_id',
      'grant_type=refresh_token&refresh_token=gth_rt_x&client_id=gh_x%00&client_secret=s',
    ],
    [
      'a NUL in the code',
      'grant_type=authorization_code&code=gth_ac_%00&redirect_uri=https%3A%2F%2Fa.example%2F&client_id=gh_x&client_secret=s',
    ],
    ['an invalid UTF-8 byte', 'grant_type=refresh_token&refresh_token=%FF&client_id=gh_x&client_secret=s'],
  ])('token endpoint: %s', async (_label, body) => {
    expectRefused(await postRaw('/api/oauth2/token', body));
  });

  it('a raw invalid UTF-8 byte in the body', async () => {
    const payload = Buffer.concat([
      Buffer.from('grant_type=refresh_token&refresh_token=x&client_id=gh_'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('&client_secret=s'),
    ]);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });
    expectRefused(response);
  });

  it('a NUL in a JSON body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'gh_x\u0000' }),
    });
    expectRefused(response);
  });

  it('a NUL in HTTP Basic credentials', async () => {
    const response = await postRaw('/api/oauth2/token', 'grant_type=refresh_token&refresh_token=x', {
      authorization: basicAuth('gh_x\u0000', 'secret'),
    });
    expectRefused(response);
  });

  it.each(['/api/oauth2/revoke', '/api/oauth2/introspect'])('%s', async (path) => {
    expectRefused(await postRaw(path, 'token=x&client_id=gh_x%00&client_secret=s'));
  });
});
