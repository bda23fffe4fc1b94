import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGatehouseClient,
  GatehouseError,
  IssuerMismatchError,
  OAuthResponseError,
  StateMismatchError,
} from './index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type FakeGatehouse,
  fakeGatehouse,
  REDIRECT_URI,
} from './testing/fake-gatehouse.js';

function clientFor(gatehouse: FakeGatehouse) {
  return createGatehouseClient({
    issuer: gatehouse.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    fetch: gatehouse.fetch,
  });
}

describe('createGatehouseClient', () => {
  it('refuses incomplete configuration at once, naming the setting', () => {
    const base = {
      issuer: 'https://auth.example.com',
      clientId: 'a',
      clientSecret: 'b',
      redirectUri: REDIRECT_URI,
    };
    expect(() => createGatehouseClient({ ...base, clientSecret: '' })).toThrow(/clientSecret/);
    expect(() => createGatehouseClient({ ...base, issuer: 'auth.example.com' })).toThrow(/issuer/);
    expect(() => createGatehouseClient({ ...base, redirectUri: `${REDIRECT_URI}#x` })).toThrow(/fragment/);
  });

  it('reads the metadata once and caches it', async () => {
    const gatehouse = fakeGatehouse();
    const client = clientFor(gatehouse);
    await Promise.all([
      client.createAuthorizationRequest(),
      client.createAuthorizationRequest(),
      client.metadata(),
    ]);
    await client.createAuthorizationRequest();
    expect(gatehouse.count('/.well-known/oauth-authorization-server')).toBe(1);
  });

  it('refuses metadata whose issuer is not the configured one', async () => {
    const gatehouse = fakeGatehouse({ metadataIssuer: 'https://evil.example.com' });
    const error = await clientFor(gatehouse)
      .metadata()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerMismatchError);
    expect(error).toMatchObject({ expected: gatehouse.issuer, received: 'https://evil.example.com' });
  });

  it('turns an unreachable provider into a GatehouseError naming the URL, and retries discovery later', async () => {
    const gatehouse = fakeGatehouse();
    let down = true;
    const client = createGatehouseClient({
      issuer: gatehouse.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      fetch: async (input, init) => {
        if (down) throw new TypeError('fetch failed');
        return gatehouse.fetch(input, init);
      },
    });
    await expect(client.metadata()).rejects.toThrow(
      /could not reach Gatehouse at https:\/\/auth\.example\.com/,
    );
    down = false;
    await expect(client.metadata()).resolves.toMatchObject({ issuer: gatehouse.issuer });
  });
});

describe('createAuthorizationRequest', () => {
  it('builds the authorization URL with fresh state and an S256 PKCE challenge', async () => {
    const client = clientFor(fakeGatehouse());
    const request = await client.createAuthorizationRequest({
      scope: ['profile', 'balance'],
      autoAuthorize: true,
    });
    const url = new URL(request.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.example.com/api/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      scope: 'profile balance',
      state: request.state,
      code_challenge: createHash('sha256').update(request.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      auto_authorize: 'true',
    });
    expect(request.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.redirectUri).toBe(REDIRECT_URI);
    expect(url.href).not.toContain(CLIENT_SECRET);
  });

  it('never repeats state or verifier, and passes prompt', async () => {
    const client = clientFor(fakeGatehouse());
    const requests = await Promise.all(
      Array.from({ length: 20 }, () => client.createAuthorizationRequest({ prompt: 'consent' })),
    );
    expect(new Set(requests.map((r) => r.state)).size).toBe(20);
    expect(new Set(requests.map((r) => r.codeVerifier)).size).toBe(20);
    const url = new URL(requests[0]!.url);
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('auto_authorize')).toBeNull();
    expect(url.searchParams.get('scope')).toBe('profile balance');
  });
});

describe('createAuthorizationRequest with charge', () => {
  it('sends the suggested allowance as charge_limit and charge_period', async () => {
    const client = clientFor(fakeGatehouse());
    const request = await client.createAuthorizationRequest({
      scope: 'profile charge',
      suggestAllowance: { limit: '5.00', period: 'month' },
    });
    const url = new URL(request.url);
    expect(url.searchParams.get('scope')).toBe('profile charge');
    expect(url.searchParams.get('charge_limit')).toBe('5.00');
    expect(url.searchParams.get('charge_period')).toBe('month');
    const plain = new URL((await client.createAuthorizationRequest()).url);
    expect(plain.searchParams.has('charge_limit')).toBe(false);
    expect(plain.searchParams.has('charge_period')).toBe(false);
  });
});

describe('handleCallback', () => {
  let gatehouse: FakeGatehouse;

  beforeEach(() => {
    gatehouse = fakeGatehouse();
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('exchanges the code with client_secret_basic and returns absolute expiry times', async () => {
    const client = clientFor(gatehouse);
    const saved = await client.createAuthorizationRequest();
    const params = gatehouse.approve(saved.url);
    const tokens = await client.handleCallback(params, saved);
    const now = Date.now();
    expect(tokens).toEqual({
      accessToken: expect.stringMatching(/^gth_at_/),
      refreshToken: expect.stringMatching(/^gth_rt_/),
      tokenType: 'Bearer',
      expiresAt: now + 7200 * 1000,
      refreshTokenExpiresAt: now + 2_592_000 * 1000,
      scope: 'profile balance',
    });
    const [exchange] = gatehouse.requests.filter((r) => r.url.pathname === '/api/oauth2/token');
    expect(exchange!.headers.get('authorization')).toMatch(/^Basic /);
    expect(exchange!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(exchange!.form.get('client_secret')).toBeNull();
    expect(Object.fromEntries(exchange!.form)).toEqual({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: REDIRECT_URI,
      code_verifier: saved.codeVerifier,
    });
  });

  it('accepts the query in the shapes frameworks give it', async () => {
    const client = clientFor(gatehouse);
    for (const shape of ['record', 'string', 'url'] as const) {
      const saved = await client.createAuthorizationRequest();
      const params = gatehouse.approve(saved.url);
      const input =
        shape === 'record'
          ? Object.fromEntries(params)
          : shape === 'string'
            ? `?${params}`
            : `${REDIRECT_URI}?${params}`;
      await expect(client.handleCallback(input, saved)).resolves.toMatchObject({ tokenType: 'Bearer' });
    }
  });

  it('refuses a wrong, missing or unsaved state before touching the token endpoint', async () => {
    const client = clientFor(gatehouse);
    const saved = await client.createAuthorizationRequest();
    const params = gatehouse.approve(saved.url);
    const wrong = new URLSearchParams(params);
    wrong.set('state', `${saved.state.slice(0, -1)}x`);
    const missing = new URLSearchParams(params);
    missing.delete('state');
    await expect(client.handleCallback(wrong, saved)).rejects.toBeInstanceOf(StateMismatchError);
    await expect(client.handleCallback(missing, saved)).rejects.toBeInstanceOf(StateMismatchError);
    await expect(client.handleCallback(params, undefined)).rejects.toBeInstanceOf(StateMismatchError);
    await expect(client.handleCallback(params, { ...saved, state: '' })).rejects.toBeInstanceOf(
      StateMismatchError,
    );
    expect(gatehouse.count('/api/oauth2/token')).toBe(0);
  });

  it('refuses a response from another issuer, or without iss (RFC 9207)', async () => {
    const client = clientFor(gatehouse);
    const saved = await client.createAuthorizationRequest();
    const params = gatehouse.approve(saved.url);
    const other = new URLSearchParams(params);
    other.set('iss', 'https://evil.example.com');
    const error = await client.handleCallback(other, saved).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerMismatchError);
    expect(error).toMatchObject({ expected: gatehouse.issuer, received: 'https://evil.example.com' });
    const none = new URLSearchParams(params);
    none.delete('iss');
    await expect(client.handleCallback(none, saved)).rejects.toBeInstanceOf(IssuerMismatchError);
    expect(gatehouse.count('/api/oauth2/token')).toBe(0);
  });

  it('surfaces error and error_description as an OAuthResponseError', async () => {
    const client = clientFor(gatehouse);
    const saved = await client.createAuthorizationRequest();
    const params = new URLSearchParams({
      error: 'access_denied',
      error_description: 'The user denied the request',
      state: saved.state,
      iss: gatehouse.issuer,
    });
    const error = await client.handleCallback(params, saved).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({
      error: 'access_denied',
      errorDescription: 'The user denied the request',
      error_description: 'The user denied the request',
      status: undefined,
    });
  });

  it('surfaces a failed exchange with its status, and refuses a repeated parameter', async () => {
    const client = clientFor(gatehouse);
    const saved = await client.createAuthorizationRequest();
    const params = gatehouse.approve(saved.url);
    await client.handleCallback(params, saved);
    const error = await client.handleCallback(params, saved).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OAuthResponseError', error: 'invalid_grant', status: 400 });
    const repeated = new URLSearchParams(params);
    repeated.append('code', 'another');
    await expect(client.handleCallback(repeated, saved)).rejects.toMatchObject({ error: 'invalid_request' });
  });
});
