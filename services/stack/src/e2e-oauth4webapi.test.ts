import { sha256Hex } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

/**
 * The full flow driven by oauth4webapi — a strict third-party client — against the
 * stack on a real port: discovery, PKCE, state and `iss` checks, code exchange,
 * userinfo, refresh with rotation, reuse detection, revocation.
 */
describe('end to end with oauth4webapi', () => {
  let stack: RunningStack;
  const user = { username: 'alice', password: 'correct horse battery' };
  const clientSecret = 'gth_cs_e2e-secret-0123456789abcdefghijklmnopqrstuv';
  const redirectUri = 'http://localhost:4999/oauth/callback';
  const client: oauth.Client = { client_id: 'gh_e2e_client' };
  const clientAuth = oauth.ClientSecretBasic(clientSecret);
  const insecure = { [oauth.allowInsecureRequests]: true } as const;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    stack = await startTestStack();
    const created = await stack.stores.db.users.create({
      username: user.username,
      email: 'alice@example.com',
      passwordHash: await hashPassword(user.password),
    });
    await stack.stores.db.ledger.apply({
      userId: created.id,
      amount: 375_000_000n,
      kind: 'credit',
      idempotencyKey: 'e2e',
      actor: 'test',
    });
    await stack.stores.db.clients.create({
      clientId: client.client_id,
      secretHash: sha256Hex(clientSecret),
      name: 'E2E App',
      redirectUris: [redirectUri],
      allowedScopes: ['profile', 'balance'],
    });
    const issuer = new URL(stack.origin);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function login(browser: HttpBrowser, scope = 'profile balance') {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      auto_authorize: 'true',
    }).toString();
    const { callback, consentShown } = await authorizeAsUser(browser, url.pathname + url.search, user);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri,
      codeVerifier,
      insecure,
    );
    return { tokens: await oauth.processAuthorizationCodeResponse(as, client, response), consentShown };
  }

  it('publishes metadata the library accepts', () => {
    expect(as.issuer).toBe(stack.origin);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('logs in with consent once, then without, reads userinfo, refreshes, detects reuse and revokes', async () => {
    const browser = new HttpBrowser(stack.origin);
    const first = await login(browser);
    expect(first.consentShown).toBe(true);
    expect(first.tokens.token_type).toBe('bearer');
    expect(first.tokens.access_token).toMatch(/^gth_at_/);
    expect(first.tokens.refresh_token).toMatch(/^gth_rt_/);
    expect(first.tokens.scope).toBe('profile balance');

    const second = await login(browser);
    expect(second.consentShown).toBe(false);

    const info = await oauth.processUserInfoResponse(
      as,
      client,
      oauth.skipSubjectCheck,
      await oauth.userInfoRequest(as, client, second.tokens.access_token, insecure),
    );
    expect(info).toMatchObject({
      username: 'alice',
      email: 'alice@example.com',
      balance_formatted: '750.00',
    });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, second.tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(second.tokens.refresh_token);

    // Reusing the rotated refresh token is refused and kills the family, access tokens included.
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, clientAuth, second.tokens.refresh_token!, insecure),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const afterReuse = await oauth.userInfoRequest(as, client, refreshed.access_token, insecure);
    expect(afterReuse.status).toBe(401);

    // Revocation of the first login's refresh token kills its access token too.
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, first.tokens.refresh_token!, insecure),
    );
    const afterRevoke = await oauth.userInfoRequest(as, client, first.tokens.access_token, insecure);
    expect(afterRevoke.status).toBe(401);
  });

  it('refuses an authorization response whose iss the library does not expect', async () => {
    const browser = new HttpBrowser(stack.origin);
    const state = oauth.generateRandomState();
    const url = `/api/oauth2/authorize?${new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'profile',
      state,
    })}`;
    const { callback } = await authorizeAsUser(browser, url, user);
    expect(callback.searchParams.get('iss')).toBe(stack.origin);
    const forged = new URL(callback);
    forged.searchParams.set('iss', 'https://evil.example');
    expect(() => oauth.validateAuthResponse(as, client, forged, state)).toThrow(/iss/);
  });
});
