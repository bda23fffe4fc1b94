import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGatehouseClient,
  GatehouseError,
  type GatehouseSession,
  LoginRequiredError,
  MemoryTokenStore,
  OAuthResponseError,
  SignInRequiredError,
  type TokenSet,
  type TokenStore,
} from './index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type FakeGatehouse,
  fakeGatehouse,
  REDIRECT_URI,
} from './testing/fake-gatehouse.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A promise with its resolve function, to hold the fake server's refreshes open. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('a session-bound client', () => {
  let gatehouse: FakeGatehouse;
  let store: MemoryTokenStore;
  let client: ReturnType<typeof createGatehouseClient>;
  let session: GatehouseSession;
  let loginAt: number;

  beforeEach(async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    gatehouse = fakeGatehouse();
    store = new MemoryTokenStore();
    client = createGatehouseClient({
      issuer: gatehouse.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      fetch: gatehouse.fetch,
    });
    // A real login through the SDK, so the stored token set is exactly what apps store.
    const saved = await client.createAuthorizationRequest();
    loginAt = Date.now();
    session = client.session(store, 'session-1');
    await session.save(await client.handleCallback(gatehouse.approve(saved.url), saved));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const stored = async () => (await store.get('session-1'))!;

  describe('refresh timing', () => {
    it('does not refresh at expiry − 6 minutes, and refreshes at expiry − 5 minutes', async () => {
      const first = await stored();
      expect(first.expiresAt).toBe(loginAt + 2 * HOUR);

      vi.setSystemTime(first.expiresAt - 6 * MINUTE);
      await session.userinfo();
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(0);
      expect((await stored()).accessToken).toBe(first.accessToken);

      vi.setSystemTime(first.expiresAt - 5 * MINUTE);
      await session.userinfo();
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
      const second = await stored();
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.expiresAt).toBe(Date.now() + 2 * HOUR);
      // The userinfo call after the refresh used the new access token.
      const lastUserinfo = gatehouse.requests
        .filter((r) => r.url.pathname === '/api/oauth2/userinfo')
        .at(-1)!;
      expect(lastUserinfo.headers.get('authorization')).toBe(`Bearer ${second.accessToken}`);
    });

    it('advancing the clock with timers: still one refresh per access-token lifetime', async () => {
      const first = await stored();
      await vi.advanceTimersByTimeAsync(2 * HOUR - 5 * MINUTE - 1);
      await session.accessToken();
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(await session.accessToken()).not.toBe(first.accessToken);
      await session.accessToken();
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
    });

    it('keeps using a still-valid access token when an early refresh fails for a passing reason', async () => {
      const first = await stored();
      vi.setSystemTime(first.expiresAt - 2 * MINUTE);
      gatehouse.hooks.refreshNetworkFailure = true;
      await expect(session.userinfo()).resolves.toMatchObject({ username: 'alice' });
      vi.setSystemTime(first.expiresAt + 1);
      await expect(session.userinfo()).rejects.toThrow(/could not reach Gatehouse/);
      expect(await stored()).toEqual(first);
      gatehouse.hooks.refreshNetworkFailure = false;
      await expect(session.userinfo()).resolves.toMatchObject({ username: 'alice' });
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(3);
    });
  });

  describe('single flight', () => {
    it('50 concurrent calls at expiry − 5 minutes make exactly one refresh request', async () => {
      const first = await stored();
      vi.setSystemTime(first.expiresAt - 5 * MINUTE);
      const hold = gate();
      gatehouse.hooks.refreshGate = hold.promise;
      const calls = Array.from({ length: 50 }, () => session.userinfo());
      await vi.advanceTimersByTimeAsync(0);
      hold.open();
      const results = await Promise.all(calls);
      expect(results).toHaveLength(50);
      expect(results.every((info) => info.username === 'alice')).toBe(true);
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
      expect(gatehouse.count('/api/oauth2/userinfo')).toBe(50);
    });

    it('50 concurrent calls through 50 session objects for one key: still one refresh', async () => {
      const first = await stored();
      vi.setSystemTime(first.expiresAt);
      const calls = Array.from({ length: 50 }, () => client.session(store, 'session-1').accessToken());
      const tokens = await Promise.all(calls);
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(first.accessToken);
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
    });

    it('50 concurrent 401s (access token revoked early) make exactly one refresh request', async () => {
      const first = await stored();
      gatehouse.revokeAccessToken(first.accessToken);
      const results = await Promise.all(Array.from({ length: 50 }, () => session.balance()));
      expect(results.every((balance) => balance.formatted === '750.00 USD')).toBe(true);
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
      expect(gatehouse.count('/api/oauth2/userinfo')).toBe(100);
    });

    it('a caller holding the token set from before a finished refresh does not refresh again', async () => {
      const first = await stored();
      // A store whose first read is slow: that caller sees the old token set after the other caller's refresh.
      const hold = gate();
      let slowReads = 1;
      const slowStore: TokenStore = {
        get: async (key) => {
          const snapshot = await store.get(key);
          if (slowReads-- > 0) await hold.promise;
          return snapshot;
        },
        set: (key, tokens) => store.set(key, tokens),
        delete: (key) => store.delete(key),
      };
      vi.setSystemTime(first.expiresAt - MINUTE);
      const slow = client.session(slowStore, 'session-1').accessToken();
      const fast = await client.session(slowStore, 'session-1').accessToken();
      hold.open();
      expect(await slow).toBe(fast);
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
      // The server saw the first refresh token exactly once: no reuse detection fired.
      await expect(session.userinfo()).resolves.toMatchObject({ username: 'alice' });
    });

    it('runs the refresh inside the store lock when the store has one', async () => {
      const first = await stored();
      const locked: string[] = [];
      const locking: TokenStore = {
        get: (key) => store.get(key),
        set: (key, tokens) => store.set(key, tokens),
        delete: (key) => store.delete(key),
        lock: <T>(key: string, fn: () => Promise<T>) => {
          locked.push(key);
          return fn();
        },
      };
      vi.setSystemTime(first.expiresAt);
      await Promise.all([1, 2, 3].map(() => client.session(locking, 'session-1').accessToken()));
      expect(locked).toEqual(['session-1']);
    });
  });

  describe('retry on 401', () => {
    it('refreshes and retries once when the access token is refused', async () => {
      const first = await stored();
      gatehouse.revokeAccessToken(first.accessToken);
      await expect(session.userinfo()).resolves.toMatchObject({ username: 'alice' });
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
      expect(gatehouse.count('/api/oauth2/userinfo')).toBe(2);
    });

    it('does not retry twice: a second 401 is thrown as an OAuthResponseError', async () => {
      gatehouse.hooks.rejectAllAccessTokens = true;
      const error = await session.userinfo().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OAuthResponseError);
      expect(error).toMatchObject({ status: 401, error: 'invalid_token' });
      expect(gatehouse.count('/api/oauth2/userinfo')).toBe(2);
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
    });

    it('does not retry other errors', async () => {
      const response = await session.fetch('/api/nothing-here');
      expect(response.status).toBe(404);
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(0);
    });
  });

  describe('login required', () => {
    it('invalid_grant on refresh clears the store and throws SignInRequiredError', async () => {
      const first = await stored();
      vi.setSystemTime(first.expiresAt);
      gatehouse.hooks.refreshError = { status: 400, error: 'invalid_grant' };
      const error = await session.userinfo().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SignInRequiredError);
      expect(error).toBeInstanceOf(GatehouseError);
      expect(error).toMatchObject({ reason: 'refresh_rejected' });
      expect((error as SignInRequiredError).cause).toMatchObject({ error: 'invalid_grant', status: 400 });
      expect(await store.get('session-1')).toBeNull();
      expect(await session.isLoggedIn()).toBe(false);
      await expect(session.userinfo()).rejects.toMatchObject({ reason: 'no_tokens' });
    });

    it('all concurrent callers get SignInRequiredError from one refused refresh', async () => {
      gatehouse.hooks.rejectAllAccessTokens = true;
      gatehouse.hooks.refreshError = { status: 400, error: 'invalid_grant' };
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => session.userinfo()));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof SignInRequiredError)).toBe(
        true,
      );
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(1);
    });

    it('other refresh errors keep the tokens (a later call can still succeed)', async () => {
      const first = await stored();
      vi.setSystemTime(first.expiresAt);
      gatehouse.hooks.refreshError = { status: 503, error: 'temporarily_unavailable' };
      await expect(session.userinfo()).rejects.toMatchObject({
        error: 'temporarily_unavailable',
        status: 503,
      });
      expect(await stored()).toEqual(first);
    });

    it('an expired refresh token means login required without asking Gatehouse', async () => {
      const first = await stored();
      vi.setSystemTime(first.refreshTokenExpiresAt!);
      await expect(session.accessToken()).rejects.toMatchObject({ reason: 'refresh_token_expired' });
      expect(gatehouse.count('/api/oauth2/token', 'refresh_token')).toBe(0);
      expect(await store.get('session-1')).toBeNull();
    });

    it('nothing stored: SignInRequiredError, still an instance of its first name LoginRequiredError', async () => {
      await expect(client.session(store, 'nobody').userinfo()).rejects.toBeInstanceOf(SignInRequiredError);
      await expect(client.session(store, 'nobody').userinfo()).rejects.toBeInstanceOf(LoginRequiredError);
      // No session cookie yet: an empty key is a session without tokens.
      await expect(client.session(store, undefined).userinfo()).rejects.toMatchObject({
        reason: 'no_tokens',
      });
      await expect(client.session(store, '').save(await stored())).rejects.toThrow(/empty key/);
      expect(gatehouse.count('/api/oauth2/userinfo')).toBe(0);
    });
  });

  describe('helpers', () => {
    it('handleCallback on a session exchanges the code and stores the tokens under its key', async () => {
      const saved = await client.createAuthorizationRequest();
      const fresh = client.session(store, 'session-2');
      const tokens = await fresh.handleCallback(Object.fromEntries(gatehouse.approve(saved.url)), saved);
      expect(await store.get('session-2')).toEqual(tokens);
      await expect(fresh.userinfo()).resolves.toMatchObject({ username: 'alice' });
      await expect(fresh.handleCallback(gatehouse.approve(saved.url), undefined)).rejects.toMatchObject({
        name: 'StateMismatchError',
      });
      expect(await store.get('session-2')).toEqual(tokens);
    });

    it('userinfo and balance', async () => {
      await expect(session.userinfo()).resolves.toMatchObject({
        id: 7,
        username: 'alice',
        balance_formatted: '750.00',
      });
      await expect(session.balance()).resolves.toEqual({
        amount: '750.00',
        currency: 'USD',
        quota: 375_000_000,
        usedQuota: 0,
        asOf: Date.now(),
        formatted: '750.00 USD',
      });
    });

    it('balance without the balance scope is an insufficient_scope error', async () => {
      const issued = gatehouse.issueTokens('profile');
      const tokens: TokenSet = {
        accessToken: String(issued.access_token),
        refreshToken: String(issued.refresh_token),
        tokenType: 'Bearer',
        expiresAt: Date.now() + 2 * HOUR,
        scope: 'profile',
      };
      const other = client.session(store, 'profile-only');
      await other.save(tokens);
      await expect(other.balance()).rejects.toMatchObject({ error: 'insufficient_scope', status: 403 });
    });

    it('topupUrl passes return_uri', async () => {
      const link = new URL(await session.topupUrl('https://app.example.com/?topped_up=1'));
      expect(link.pathname).toBe('/topup');
      expect(link.searchParams.get('return_uri')).toBe('https://app.example.com/?topped_up=1');
      const plain = new URL(await session.topupUrl());
      expect(plain.searchParams.get('return_uri')).toBeNull();
    });

    it('revoke revokes the refresh token and clears the store', async () => {
      const first = await stored();
      await session.revoke();
      const [revocation] = gatehouse.requests.filter((r) => r.url.pathname === '/api/oauth2/revoke');
      expect(Object.fromEntries(revocation!.form)).toEqual({
        token: first.refreshToken,
        token_type_hint: 'refresh_token',
      });
      expect(revocation!.headers.get('authorization')).toMatch(/^Basic /);
      expect(await store.get('session-1')).toBeNull();
      await expect(session.userinfo()).rejects.toBeInstanceOf(SignInRequiredError);
      await session.revoke(); // nothing stored: a no-op
      expect(gatehouse.count('/api/oauth2/revoke')).toBe(1);
    });

    it('never sends the access token to another origin', async () => {
      await expect(session.fetch('https://evil.example.com/steal')).rejects.toThrow(/refusing to send/);
      expect(gatehouse.requests.some((r) => r.url.origin === 'https://evil.example.com')).toBe(false);
    });
  });
});
