import { sha256Hex } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { authorizeAsUser, HttpBrowser, type RunningStack, startTestStack } from '@gatehouse/stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGatehouseClient,
  type FetchLike,
  type GatehouseClient,
  IssuerMismatchError,
  MemoryTokenStore,
  OAuthResponseError,
  SignInRequiredError,
  StateMismatchError,
} from './index.js';

/**
 * The SDK against the real Gatehouse: every provider service on a real loopback port
 * with fresh stores (Postgres and Redis when DATABASE_URL / REDIS_URL are set).
 */
describe('the SDK against the running stack', () => {
  let stack: RunningStack;
  let client: GatehouseClient;
  const tokenRequests: URLSearchParams[] = [];
  const user = { username: 'sdk-alice', password: 'sdk alice password 1' };
  const clientId = 'gh_sdk_e2e';
  const clientSecret = 'gth_cs_sdk-e2e-secret-0123456789abcdefghijklmnopq';
  const redirectUri = 'http://localhost:4998/oauth/callback';

  /** The global fetch, recording token endpoint calls (to count refreshes). */
  const recordingFetch: FetchLike = (input, init) => {
    if (input.endsWith('/api/oauth2/token'))
      tokenRequests.push(new URLSearchParams(String(init?.body ?? '')));
    return fetch(input, init);
  };
  const refreshes = () => tokenRequests.filter((form) => form.get('grant_type') === 'refresh_token').length;

  /** Revocation as a separate backend would do it (RFC 7009), to break tokens behind the SDK's back. */
  async function revokeAtProvider(token: string, hint: 'access_token' | 'refresh_token') {
    const response = await fetch(`${stack.origin}/api/oauth2/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token, token_type_hint: hint }).toString(),
    });
    expect(response.status).toBe(200);
  }

  async function login(options: { prompt?: 'consent'; decision?: 'approve' | 'deny'; scope?: string } = {}) {
    const request = await client.createAuthorizationRequest({
      scope: options.scope ?? 'profile balance',
      autoAuthorize: true,
      ...(options.prompt ? { prompt: options.prompt } : {}),
    });
    const result = await authorizeAsUser(new HttpBrowser(stack.origin), request.url, user, options.decision);
    return { request, ...result };
  }

  beforeAll(async () => {
    stack = await startTestStack();
    const created = await stack.stores.db.users.create({
      username: user.username,
      email: 'sdk-alice@example.com',
      passwordHash: await hashPassword(user.password),
    });
    await stack.stores.db.ledger.apply({
      userId: created.id,
      amount: 375_000_000n,
      kind: 'credit',
      idempotencyKey: 'sdk-e2e',
      actor: 'test',
    });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'SDK E2E App',
      redirectUris: [redirectUri],
      allowedScopes: ['profile', 'balance'],
    });
    client = createGatehouseClient({
      issuer: stack.origin,
      clientId,
      clientSecret,
      redirectUri,
      fetch: recordingFetch,
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('logs in, reads userinfo and balance, refreshes, links to top-up, and revokes', async () => {
    const { request, callback } = await login();
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    const before = Date.now();
    const tokens = await client.handleCallback(callback, request);
    expect(tokens.accessToken).toMatch(/^gth_at_/);
    expect(tokens.refreshToken).toMatch(/^gth_rt_/);
    expect(tokens.scope).toBe('profile balance');
    expect(tokens.expiresAt).toBeGreaterThan(before + 7200_000 - 5_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 7200_000);

    const store = new MemoryTokenStore();
    const session = client.session(store, 'alice');
    await session.save(tokens);

    await expect(session.userinfo()).resolves.toMatchObject({
      username: user.username,
      email: 'sdk-alice@example.com',
      balance_formatted: '750.00',
      quota: 375_000_000,
    });
    const balance = await session.balance();
    expect(balance).toMatchObject({
      amount: '750.00',
      currency: 'USD',
      quota: 375_000_000,
      formatted: '750.00 USD',
    });
    expect(balance.asOf).toBeGreaterThanOrEqual(before);

    // Refresh when due: the stored access token "expires" in 4 minutes, inside the 5-minute window.
    await store.set('alice', { ...tokens, expiresAt: Date.now() + 4 * 60_000 });
    await expect(session.userinfo()).resolves.toMatchObject({ username: user.username });
    expect(refreshes()).toBe(1);
    const refreshed = (await store.get('alice'))!;
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);

    // Forced refresh.
    const forced = await session.refresh();
    expect(forced.refreshToken).not.toBe(refreshed.refreshToken);
    expect(refreshes()).toBe(2);

    // Retry once on 401: the access token is revoked behind the SDK's back.
    await revokeAtProvider(forced.accessToken, 'access_token');
    await expect(session.userinfo()).resolves.toMatchObject({ username: user.username });
    expect(refreshes()).toBe(3);

    const topup = new URL(await session.topupUrl('http://localhost:4998/?topped_up=1'));
    expect(`${topup.origin}${topup.pathname}`).toBe(`${stack.origin}/topup`);
    expect(topup.searchParams.get('client_id')).toBe(clientId);
    expect(topup.searchParams.get('return_uri')).toBe('http://localhost:4998/?topped_up=1');
    await expect(session.topupUrl('https://evil.example.com/')).rejects.toMatchObject({
      error: 'invalid_request',
      status: 400,
    });

    const last = (await store.get('alice'))!;
    await session.revoke();
    expect(await store.get('alice')).toBeNull();
    await expect(session.userinfo()).rejects.toBeInstanceOf(SignInRequiredError);
    // Gatehouse agrees: the revoked refresh token and its access token are dead.
    const direct = await fetch(`${stack.origin}/api/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${last.accessToken}` },
    });
    expect(direct.status).toBe(401);
    await store.set('alice', { ...last, expiresAt: Date.now() });
    await expect(session.userinfo()).rejects.toMatchObject({
      name: 'SignInRequiredError',
      reason: 'refresh_rejected',
    });
    expect(await store.get('alice')).toBeNull();
  });

  it('50 concurrent calls with a due token make one refresh, and the rotated family stays alive', async () => {
    const { request, callback } = await login();
    const store = new MemoryTokenStore();
    const tokens = await client.handleCallback(callback, request);
    await store.set('bob', { ...tokens, expiresAt: Date.now() + 60_000 });
    const before = refreshes();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.session(store, 'bob').userinfo()),
    );
    expect(results.every((info) => info.username === user.username)).toBe(true);
    expect(refreshes() - before).toBe(1);
    // Had a rotated refresh token been presented twice, Gatehouse would have revoked the family.
    await expect(client.session(store, 'bob').refresh()).resolves.toMatchObject({ scope: 'profile balance' });
  });

  it('a refresh token revoked at Gatehouse means SignInRequiredError and a cleared store', async () => {
    const { request, callback } = await login();
    const store = new MemoryTokenStore();
    const tokens = await client.handleCallback(callback, request);
    await store.set('carol', tokens);
    await revokeAtProvider(tokens.refreshToken!, 'refresh_token');
    const error = await client
      .session(store, 'carol')
      .userinfo()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInRequiredError);
    expect((error as SignInRequiredError).cause).toMatchObject({ error: 'invalid_grant' });
    expect(await store.get('carol')).toBeNull();
  });

  it('checks state and iss on a real callback, and surfaces a denied consent', async () => {
    const { request, callback } = await login();
    expect(callback.searchParams.get('iss')).toBe(stack.origin);
    await expect(
      client.handleCallback(callback, { ...request, state: 'another-attempt' }),
    ).rejects.toBeInstanceOf(StateMismatchError);
    const mixedUp = new URL(callback);
    mixedUp.searchParams.set('iss', 'https://other-provider.example.com');
    await expect(client.handleCallback(mixedUp, request)).rejects.toBeInstanceOf(IssuerMismatchError);
    // Neither attempt redeemed the code: it still works once.
    await expect(client.handleCallback(callback, request)).resolves.toMatchObject({ tokenType: 'Bearer' });

    const denied = await login({ prompt: 'consent', decision: 'deny' });
    expect(denied.consentShown).toBe(true);
    const error = await client.handleCallback(denied.callback, denied.request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({ error: 'access_denied' });
  });

  it('with openid, validates the ID token (signature, iss, aud, nonce) and returns its claims', async () => {
    const { request, callback } = await login({ scope: 'openid profile email balance' });
    expect(request.nonce).toEqual(expect.any(String));
    expect(new URL(request.url).searchParams.get('nonce')).toBe(request.nonce);
    const tokens = await client.handleCallback(callback, request);
    expect(tokens.idToken).toEqual(expect.any(String));
    expect(tokens.idTokenClaims).toMatchObject({
      iss: stack.origin,
      aud: clientId,
      nonce: request.nonce,
      email: 'sdk-alice@example.com',
      preferred_username: user.username,
    });

    const again = await login({ scope: 'openid profile' });
    await expect(
      client.handleCallback(again.callback, { ...again.request, nonce: 'another-login' }),
    ).rejects.toThrow('nonce');
  });

  it('reads the real metadata document', async () => {
    const metadata = await client.metadata();
    expect(metadata.issuer).toBe(stack.origin);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });
});
