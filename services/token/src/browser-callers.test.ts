import type { User } from '@gatehouse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  createUser,
  credentials,
  expectOAuthError,
  issueCode,
  obtainTokens,
  postForm,
  REDIRECT_URI,
  refresh,
  type TestClient,
  useTokenApp,
} from './testing/harness.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const SPA_ORIGIN = 'http://127.0.0.1:5173';

const t = useTokenApp();
let user: User;
let confidential: TestClient;
let spa: TestClient;

beforeAll(async () => {
  user = await createUser(t.stores);
  confidential = await createClient(t.stores);
  spa = await createClient(t.stores, { public: true, allowedOrigins: [SPA_ORIGIN] });
});

const redeem = (code: string, client: TestClient, headers: Record<string, string> = {}, extra = {}) =>
  postForm(
    t.app,
    '/api/oauth2/token',
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...credentials(client), ...extra },
    headers,
  );

describe('a confidential client called from a browser is refused before anything is spent (SEC-54)', () => {
  it('keeps the code: refused with an Origin header, redeemed afterwards from the server', async () => {
    const { code } = await issueCode(t.stores, confidential.client, user);
    const fromPage = await redeem(code, confidential, { origin: 'https://guide-page.example' });
    expectOAuthError(fromPage, 400, 'invalid_request');
    expect(fromPage.json().error_description).toMatch(/has a secret and must call from its server/);
    const fromServer = await redeem(code, confidential);
    expect(fromServer.statusCode, fromServer.body).toBe(200);
  });

  it('keeps the refresh token: not rotated by a browser call', async () => {
    const tokens = await obtainTokens(t.app, t.stores, confidential, user);
    expectOAuthError(
      await postForm(
        t.app,
        '/api/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...credentials(confidential) },
        { origin: 'https://guide-page.example' },
      ),
      400,
      'invalid_request',
    );
    const fromServer = await refresh(t.app, confidential, tokens.refresh_token);
    expect(fromServer.statusCode, fromServer.body).toBe(200);
  });

  it('keeps the token on revocation from a browser', async () => {
    const tokens = await obtainTokens(t.app, t.stores, confidential, user);
    const revoke = await postForm(
      t.app,
      '/api/oauth2/revoke',
      { token: tokens.refresh_token, ...credentials(confidential) },
      { origin: 'https://guide-page.example' },
    );
    expectOAuthError(revoke, 400, 'invalid_request');
    expect((await refresh(t.app, confidential, tokens.refresh_token)).statusCode).toBe(200);
  });
});

describe('public clients from the browser', () => {
  it('redeem with PKCE from a registered origin, by client_id alone', async () => {
    const { code } = await issueCode(t.stores, spa.client, user, { codeChallenge: CHALLENGE });
    const response = await redeem(code, spa, { origin: SPA_ORIGIN }, { code_verifier: VERIFIER });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('are refused from an unregistered origin, and the code survives', async () => {
    const { code } = await issueCode(t.stores, spa.client, user, { codeChallenge: CHALLENGE });
    const foreign = await redeem(code, spa, { origin: 'http://127.0.0.1:9999' }, { code_verifier: VERIFIER });
    expectOAuthError(foreign, 400, 'invalid_request');
    const own = await redeem(code, spa, { origin: SPA_ORIGIN }, { code_verifier: VERIFIER });
    expect(own.statusCode, own.body).toBe(200);
  });

  it('cannot pass for a confidential client by leaving the secret out', async () => {
    const { code } = await issueCode(t.stores, confidential.client, user, { codeChallenge: CHALLENGE });
    const response = await redeem(
      code,
      { client: confidential.client, secret: null },
      {},
      { code_verifier: VERIFIER },
    );
    expectOAuthError(response, 401, 'invalid_client');
  });
});

describe('CORS on the token endpoints (SEC-55)', () => {
  const preflight = (url: string, origin: string) =>
    t.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it.each(['/api/oauth2/token', '/api/oauth2/revoke', '/api/oauth2/device_authorization'])(
    '%s: a public client origin passes the preflight, cached, no credentials',
    async (url) => {
      const response = await preflight(url, SPA_ORIGIN);
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
      expect(response.headers['access-control-allow-methods']).toBe('POST');
      expect(response.headers['access-control-max-age']).toBe('600');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );

  it('an unregistered origin gets no Access-Control-Allow-Origin, on the preflight or the answer', async () => {
    const response = await preflight('/api/oauth2/token', 'https://unregistered.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const { code } = await issueCode(t.stores, confidential.client, user);
    const post = await redeem(code, confidential, { origin: 'https://unregistered.example' });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['/api/oauth2/token', '/api/oauth2/revoke', '/api/oauth2/device_authorization'])(
    '%s: an origin no client registered gets no CORS headers, on the preflight or the answer',
    async (url) => {
      const refused = await preflight(url, 'https://unregistered.example');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      expect(refused.headers['access-control-allow-methods']).toBeUndefined();
      const post = await t.app.inject({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://unregistered.example',
        },
        payload: new URLSearchParams({ client_id: spa.client.clientId, token: 'gth_at_x' }).toString(),
      });
      expect(post.headers['access-control-allow-origin']).toBeUndefined();
    },
  );

  it('the answer to a public client is readable by its origin', async () => {
    const { code } = await issueCode(t.stores, spa.client, user, { codeChallenge: CHALLENGE });
    const response = await redeem(code, spa, { origin: SPA_ORIGIN }, { code_verifier: VERIFIER });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(response.headers.vary).toMatch(/Origin/);
  });

  it('introspection answers no preflight', async () => {
    const response = await preflight('/api/oauth2/introspect', SPA_ORIGIN);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
