import { readRefreshToken, sha256Hex } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import {
  accessTokenIsStored,
  createClient,
  credentials,
  expectNoStoreJson,
  expectOAuthError,
  issueCode,
  obtainTokens,
  postForm,
  REDIRECT_URI,
  refresh,
  type TestClient,
  useParties,
  useTokenApp,
} from './testing/harness.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const t = useTokenApp();
const p = useParties(t, ['app1', 'app2']);

function redeem(code: string, client: TestClient, extra: Record<string, string> = {}) {
  return postForm(t.app, '/api/oauth2/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    ...credentials(client),
    ...extra,
  });
}

describe('authorization code grant (API.md §2)', () => {
  it('serves the integration guide’s form-encoded request with client_id/client_secret in the body', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    const body = [
      'grant_type=authorization_code',
      `code=${encodeURIComponent(code)}`,
      `redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      `client_id=${encodeURIComponent(p.app1.client.clientId)}`,
      `client_secret=${encodeURIComponent(p.app1.secret!)}`,
    ].join('&');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    expectNoStoreJson(response);
    const json = response.json();
    expect(Object.keys(json).sort()).toEqual(
      [
        'access_token',
        'expires_in',
        'refresh_token',
        'refresh_token_expires_in',
        'scope',
        'token_type',
      ].sort(),
    );
    expect(json).toMatchObject({
      token_type: 'Bearer',
      expires_in: 7200,
      refresh_token_expires_in: 2592000,
      scope: 'profile balance',
    });
    // SEC-14: prefixed, 256-bit random.
    expect(json.access_token).toMatch(/^gth_at_[A-Za-z0-9_-]{43}$/);
    // gth_rt_<family>.<generation>.<family key>.<secret> (API.md §2).
    expect(json.refresh_token).toMatch(/^gth_rt_[A-Za-z0-9_-]{22}\.0\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a JSON body', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user, { scopes: ['profile'] });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      payload: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...credentials(p.app1) },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ token_type: 'Bearer', scope: 'profile' });
  });

  it('stores only SHA-256 hashes of the tokens it issues (SEC-14)', async () => {
    const tokens = await obtainTokens(t.app, t.stores, p.app1, p.user);
    expect(await t.stores.cache.accessTokens.get(tokens.access_token)).toBeNull();
    expect(await t.stores.cache.accessTokens.get(sha256Hex(tokens.access_token))).toMatchObject({
      clientId: p.app1.client.id,
      clientPublicId: p.app1.client.clientId,
      userId: p.user.id,
      familyId: tokens.familyId,
    });
    expect(
      await t.stores.db.refreshTokens.find({ format: 'legacy', tokenHash: tokens.refresh_token }),
    ).toBeNull();
    const record = await t.stores.db.refreshTokens.find(readRefreshToken(tokens.refresh_token));
    expect(record).toMatchObject({ tokenHash: sha256Hex(tokens.refresh_token), familyId: tokens.familyId });
    expect(JSON.stringify(record)).not.toContain(tokens.refresh_token);
  });

  it('sets the access token’s lifetime and the family’s absolute expiry from the configuration', async () => {
    const before = Date.now();
    const tokens = await obtainTokens(t.app, t.stores, p.app1, p.user);
    const data = await t.stores.cache.accessTokens.get(sha256Hex(tokens.access_token));
    expect(data!.expiresAt - data!.issuedAt).toBe(7200);
    const record = await t.stores.db.refreshTokens.find(readRefreshToken(tokens.refresh_token));
    expect(record!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 2592000 * 1000 - 1000);
    expect(record!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 2592000 * 1000);
  });
});

describe('codes are single-use and bound (SEC-09)', () => {
  it('of 20 parallel redemptions of one code exactly one succeeds', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    const responses = await Promise.all(Array.from({ length: 20 }, () => redeem(code, p.app1)));
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const response of responses.filter((r) => r.statusCode !== 200)) {
      expectOAuthError(response, 400, 'invalid_grant');
    }
  });

  it('refuses an unknown code', async () => {
    expectOAuthError(await redeem('gth_ac_unknown', p.app1), 400, 'invalid_grant');
  });

  it('refuses a code issued to another client', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    expectOAuthError(await redeem(code, p.app2), 400, 'invalid_grant');
  });

  it('refuses a redirect_uri that is not exactly the one of the authorization request', async () => {
    for (const redirectUri of [`${REDIRECT_URI}/`, 'https://app.example.com/oauth/other']) {
      const { code } = await issueCode(t.stores, p.app1.client, p.user);
      expectOAuthError(await redeem(code, p.app1, { redirect_uri: redirectUri }), 400, 'invalid_grant');
    }
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    const missing = await postForm(t.app, '/api/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      ...credentials(p.app1),
    });
    expectOAuthError(missing, 400, 'invalid_request');
  });

  it('refuses an expired code', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user, {}, 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expectOAuthError(await redeem(code, p.app1), 400, 'invalid_grant');
  });

  it('binds the code to its PKCE challenge (SEC-05)', async () => {
    const pkce = { codeChallenge: CHALLENGE };
    const missing = await issueCode(t.stores, p.app1.client, p.user, pkce);
    expectOAuthError(await redeem(missing.code, p.app1), 400, 'invalid_grant');
    const wrong = await issueCode(t.stores, p.app1.client, p.user, pkce);
    const otherVerifier = 'a'.repeat(43);
    expectOAuthError(
      await redeem(wrong.code, p.app1, { code_verifier: otherVerifier }),
      400,
      'invalid_grant',
    );
    const right = await issueCode(t.stores, p.app1.client, p.user, pkce);
    expect((await redeem(right.code, p.app1, { code_verifier: VERIFIER })).statusCode).toBe(200);
  });

  it('refuses a verifier for a code issued without a challenge as invalid_request', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    expectOAuthError(await redeem(code, p.app1, { code_verifier: VERIFIER }), 400, 'invalid_request');
  });

  it('refuses a malformed verifier as invalid_request without spending the code', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user, { codeChallenge: CHALLENGE });
    for (const verifier of ['a'.repeat(42), 'a'.repeat(129), `${VERIFIER.slice(0, -1)}+`]) {
      expectOAuthError(await redeem(code, p.app1, { code_verifier: verifier }), 400, 'invalid_request');
    }
    expect((await redeem(code, p.app1, { code_verifier: VERIFIER })).statusCode).toBe(200);
  });

  it('lets a public client redeem with PKCE and without a secret, and never without PKCE', async () => {
    const pub = await createClient(t.stores, { public: true });
    const withPkce = await issueCode(t.stores, pub.client, p.user, { codeChallenge: CHALLENGE });
    const ok = await redeem(withPkce.code, pub, { code_verifier: VERIFIER });
    expect(ok.statusCode, ok.body).toBe(200);
    const withoutPkce = await issueCode(t.stores, pub.client, p.user);
    expectOAuthError(await redeem(withoutPkce.code, pub), 400, 'invalid_grant');
  });

  it('refuses a confidential client that leaves its secret out, even with PKCE', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user, { codeChallenge: CHALLENGE });
    const response = await redeem(code, { client: p.app1.client, secret: null }, { code_verifier: VERIFIER });
    expectOAuthError(response, 401, 'invalid_client');
    expect((await redeem(code, p.app1, { code_verifier: VERIFIER })).statusCode).toBe(200);
  });
});

describe('code replay (SEC-10)', () => {
  it('with valid credentials revokes the access and refresh tokens the code produced', async () => {
    const { code, data } = await issueCode(t.stores, p.app1.client, p.user);
    const first = await redeem(code, p.app1);
    expect(first.statusCode).toBe(200);
    const tokens = first.json();
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(true);

    expectOAuthError(await redeem(code, p.app1), 400, 'invalid_grant');

    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(false);
    expectOAuthError(await refresh(t.app, p.app1, tokens.refresh_token), 400, 'invalid_grant');
    const events = await t.stores.db.audit.list({
      type: 'authorization_code.replayed',
      userId: p.user.id,
      limit: 5,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ clientId: p.app1.client.clientId, data: { familyId: data.familyId } });
    expect(JSON.stringify(events[0])).not.toContain(code);
  });

  it('with wrong credentials gets invalid_client and revokes nothing', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    const tokens = (await redeem(code, p.app1)).json();

    const replay = await redeem(code, { client: p.app1.client, secret: `${p.app1.secret}x` });
    expectOAuthError(replay, 401, 'invalid_client');

    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(true);
    expect((await refresh(t.app, p.app1, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('by another client revokes nothing', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    const tokens = (await redeem(code, p.app1)).json();
    expectOAuthError(await redeem(code, p.app2), 400, 'invalid_grant');
    expect(await accessTokenIsStored(t.stores, tokens.access_token)).toBe(true);
    expect((await refresh(t.app, p.app1, tokens.refresh_token)).statusCode).toBe(200);
  });
});

describe('users', () => {
  it('issues nothing for a user disabled since the code was issued', async () => {
    const { code } = await issueCode(t.stores, p.app1.client, p.user);
    await t.stores.db.users.setStatus(p.user.id, 'disabled');
    expectOAuthError(await redeem(code, p.app1), 400, 'invalid_grant');
  });
});
