import { describe, expect, it } from 'vitest';
import {
  basicAuth,
  createClient,
  credentials,
  expectNoStoreJson,
  expectOAuthError,
  formBody,
  issueCode,
  postForm,
  REDIRECT_URI,
  type TestClient,
  useParties,
  useTokenApp,
} from './testing/harness.js';

const t = useTokenApp();
const p = useParties(t, ['app1']);

async function codeParams(client: TestClient = p.app1): Promise<Record<string, string>> {
  const { code } = await issueCode(t.stores, client.client, p.user);
  return { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
}

describe('client authentication (SEC-12)', () => {
  it('accepts client_secret_post', async () => {
    const response = await postForm(t.app, '/api/oauth2/token', {
      ...(await codeParams()),
      ...credentials(p.app1),
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('accepts client_secret_basic with form-url-encoded credentials containing special characters', async () => {
    const special = await createClient(t.stores, {
      clientId: `gh_sp:é+%/${Date.now()}`,
      secret: 'p@ss:w+rd %/é&=?',
    });
    const response = await postForm(t.app, '/api/oauth2/token', await codeParams(special), {
      authorization: basicAuth(special.client.clientId, special.secret!),
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('refuses both methods at once with invalid_request', async () => {
    const response = await postForm(
      t.app,
      '/api/oauth2/token',
      { ...(await codeParams()), ...credentials(p.app1) },
      {
        authorization: basicAuth(p.app1.client.clientId, p.app1.secret!),
      },
    );
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('answers unknown client and wrong secret identically, with 401 invalid_client', async () => {
    const params = await codeParams();
    const unknown = await postForm(t.app, '/api/oauth2/token', {
      ...params,
      client_id: 'gh_nobody',
      client_secret: p.app1.secret!,
    });
    const wrong = await postForm(t.app, '/api/oauth2/token', {
      ...params,
      client_id: p.app1.client.clientId,
      client_secret: `${p.app1.secret}x`,
    });
    expectOAuthError(unknown, 401, 'invalid_client');
    expectOAuthError(wrong, 401, 'invalid_client');
    expect(unknown.body).toBe(wrong.body);
    // The credentials were sent in the body: no Basic challenge.
    expect(unknown.headers['www-authenticate']).toBeUndefined();
    expect(wrong.headers['www-authenticate']).toBeUndefined();
  });

  it('challenges with WWW-Authenticate: Basic when Basic was used, with the same body', async () => {
    const params = await codeParams();
    const unknown = await postForm(t.app, '/api/oauth2/token', params, {
      authorization: basicAuth('gh_nobody', p.app1.secret!),
    });
    const wrong = await postForm(t.app, '/api/oauth2/token', params, {
      authorization: basicAuth(p.app1.client.clientId, `${p.app1.secret}x`),
    });
    for (const response of [unknown, wrong]) {
      expectOAuthError(response, 401, 'invalid_client');
      expect(response.headers['www-authenticate']).toBe('Basic realm="gatehouse"');
    }
    expect(unknown.body).toBe(wrong.body);
  });

  it('refuses a disabled client and a request without credentials', async () => {
    const params = await codeParams();
    await t.stores.db.clients.update(p.app1.client.id, { disabled: true });
    expectOAuthError(
      await postForm(t.app, '/api/oauth2/token', { ...params, ...credentials(p.app1) }),
      401,
      'invalid_client',
    );
    expectOAuthError(await postForm(t.app, '/api/oauth2/token', params), 401, 'invalid_client');
  });

  it.each(['client_secret', 'code', 'refresh_token'])('refuses %s in the URL query', async (name) => {
    const params = { ...(await codeParams()), ...credentials(p.app1) };
    const response = await postForm(
      t.app,
      `/api/oauth2/token?${name}=${encodeURIComponent(params[name] ?? 'x')}`,
      params,
    );
    expectOAuthError(response, 400, 'invalid_request');
  });
});

describe('token endpoint request and response format (SEC-13)', () => {
  it('refuses repeated parameters', async () => {
    const params = { ...(await codeParams()), ...credentials(p.app1) };
    for (const name of ['grant_type', 'code', 'client_id', 'redirect_uri']) {
      const response = await postForm(t.app, '/api/oauth2/token', {
        ...params,
        [name]: [params[name]!, params[name]!],
      });
      expectOAuthError(response, 400, 'invalid_request');
    }
  });

  it('answers unknown grant types with unsupported_grant_type and a missing one with invalid_request', async () => {
    for (const grantType of ['password', 'client_credentials', 'implicit']) {
      const response = await postForm(t.app, '/api/oauth2/token', {
        grant_type: grantType,
        ...credentials(p.app1),
      });
      expectOAuthError(response, 400, 'unsupported_grant_type');
    }
    expectOAuthError(await postForm(t.app, '/api/oauth2/token', credentials(p.app1)), 400, 'invalid_request');
  });

  it.each([
    ['text/plain', 'grant_type=refresh_token'],
    ['application/xml', '<grant_type>refresh_token</grant_type>'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nx\r\n--x--',
    ],
  ])('refuses a %s body with invalid_request', async (contentType, payload) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': contentType },
      payload,
    });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('refuses malformed JSON and JSON that is not an object of strings', async () => {
    for (const payload of [
      '{"grant_type":',
      '["refresh_token"]',
      '{"grant_type":["refresh_token"]}',
      '"x"',
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/oauth2/token',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expectOAuthError(response, 400, 'invalid_request');
    }
  });

  it('sends no-store, no-cache and JSON on success and on every kind of error', async () => {
    const success = await postForm(t.app, '/api/oauth2/token', {
      ...(await codeParams()),
      ...credentials(p.app1),
    });
    expect(success.statusCode).toBe(200);
    expectNoStoreJson(success);
    const badRequest = await t.app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ grant_type: 'authorization_code' }),
    });
    expectOAuthError(badRequest, 400, 'invalid_request');
    const unauthorized = await postForm(t.app, '/api/oauth2/token', {
      grant_type: 'refresh_token',
      refresh_token: 'x',
    });
    expectOAuthError(unauthorized, 401, 'invalid_client');
    const tooLarge = await t.app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=${'x'.repeat(70 * 1024)}`,
    });
    expectOAuthError(tooLarge, 400, 'invalid_request');
  });
});
