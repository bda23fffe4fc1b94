import type { DurableStores, User } from '@gatehouse/core';
import { buildTestApp, testConfig } from '@gatehouse/service-kit/testing';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createClient,
  createUser,
  creditUser,
  issueAccessToken,
  registerResource,
  useTestApp,
} from './testing/fixtures.js';

const t = useTestApp();

/** A user holding 375 000 000 quota (750.00 USD), an app, and a token with `scopes`. */
async function userWithToken(scopes: string[]) {
  const user = await createUser(t.stores);
  const client = await createClient(t.stores);
  await creditUser(t.stores, user.id, 375_000_000n);
  const issued = await issueAccessToken(t.stores, user, client, scopes);
  return { user, client, ...issued };
}

function userinfo(headers: Record<string, string> = {}, url = '/api/oauth2/userinfo') {
  return t.app.inject({ method: 'GET', url, headers });
}

const createdTime = (user: User) => Math.floor(user.createdAt.getTime() / 1000);

describe('GET /api/oauth2/userinfo fields by scope (API.md §4)', () => {
  it('profile: sub, id, username, email, created_time, status — and no money', async () => {
    const { user, token } = await userWithToken(['profile']);
    const response = await userinfo(bearer(token));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      sub: String(user.id),
      id: user.id,
      username: user.username,
      email: user.email,
      email_verified: false,
      created_time: createdTime(user),
      status: 1,
    });
  });

  it('balance: sub, id, quota, used_quota, balance_formatted, balance — and no profile', async () => {
    const { user, token } = await userWithToken(['balance']);
    const before = Date.now();
    const response = await userinfo(bearer(token));
    const after = Date.now();
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      sub: String(user.id),
      id: user.id,
      quota: 375_000_000,
      used_quota: 0,
      balance_formatted: '750.00',
      balance: { amount: '750.00', currency: 'USD', quota: 375_000_000, as_of: expect.any(Number) },
    });
    expect(body.balance.as_of).toBeGreaterThanOrEqual(before);
    expect(body.balance.as_of).toBeLessThanOrEqual(after);
  });

  it('profile and balance: exactly the integration guide field names, with their JSON types', async () => {
    const { token } = await userWithToken(['profile', 'balance']);
    const body = (await userinfo(bearer(token))).json();
    expect(Object.keys(body).sort()).toEqual(
      [
        'sub',
        'id',
        'username',
        'email',
        // Added beside the guide's fields (SEC-61); every guide field keeps its name and type.
        'email_verified',
        'created_time',
        'status',
        'quota',
        'used_quota',
        'balance_formatted',
        'balance',
      ].sort(),
    );
    expect(body).toMatchObject({
      sub: expect.any(String),
      id: expect.any(Number),
      username: expect.any(String),
      email: expect.any(String),
      created_time: expect.any(Number),
      status: 1,
      quota: expect.any(Number),
      used_quota: expect.any(Number),
      balance_formatted: expect.stringMatching(/^\d+\.\d{2}$/),
    });
    expect(Object.keys(body.balance).sort()).toEqual(['amount', 'as_of', 'currency', 'quota']);
  });

  it('formats money with the configured quota per unit and currency', async () => {
    const app = await buildTestApp(registerResource, {
      stores: t.stores,
      config: testConfig({ QUOTA_PER_UNIT: '1000', CURRENCY: 'EUR' }),
    });
    try {
      const { token } = await userWithToken(['balance']);
      const body = (
        await app.inject({ method: 'GET', url: '/api/oauth2/userinfo', headers: bearer(token) })
      ).json();
      expect(body.balance_formatted).toBe('375000.00');
      expect(body.balance).toMatchObject({ amount: '375000.00', currency: 'EUR' });
    } finally {
      await app.close();
    }
  });

  it('reads the balance fresh: a ledger change shows on the very next request', async () => {
    const { user, token } = await userWithToken(['balance']);
    expect((await userinfo(bearer(token))).json()).toMatchObject({ quota: 375_000_000, used_quota: 0 });
    const debit = await t.stores.db.ledger.apply({
      userId: user.id,
      amount: -125_000_000n,
      kind: 'debit',
      actor: 'test',
    });
    expect(debit.kind).toBe('applied');
    expect((await userinfo(bearer(token))).json()).toMatchObject({
      quota: 250_000_000,
      used_quota: 125_000_000,
      balance_formatted: '500.00',
      balance: { amount: '500.00', quota: 250_000_000 },
    });
  });

  it('reads the user, the app and the balance in one database round trip', async () => {
    const { user, token } = await userWithToken(['profile', 'balance']);
    let reads = 0;
    const single = (part: string) => () => {
      throw new Error(`userinfo must not read stores.db.${part}`);
    };
    const db: DurableStores = {
      ...t.stores.db,
      users: new Proxy(t.stores.db.users, { get: (_, method) => single(`users.${String(method)}`) }),
      clients: new Proxy(t.stores.db.clients, { get: (_, method) => single(`clients.${String(method)}`) }),
      ledger: new Proxy(t.stores.db.ledger, { get: (_, method) => single(`ledger.${String(method)}`) }),
      userinfo: {
        read: (userId, clientId) => {
          reads++;
          return t.stores.db.userinfo.read(userId, clientId);
        },
      },
    };
    const app = await buildTestApp(registerResource, { stores: { ...t.stores, db }, config: t.config });
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/api/oauth2/userinfo',
        headers: bearer(token),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, username: user.username, quota: 375_000_000 });
      expect(reads).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('is never cached', async () => {
    const { token } = await userWithToken(['profile']);
    expect((await userinfo(bearer(token))).headers['cache-control']).toBe('no-store');
    expect((await userinfo()).headers['cache-control']).toBe('no-store');
  });
});

describe('balances at the cap (SEC-32)', () => {
  it('are answered exactly, and no change can take them past what a JSON number carries', async () => {
    const { user, token } = await userWithToken(['balance']);
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    await creditUser(t.stores, user.id, max - 375_000_000n);
    await expect(creditUser(t.stores, user.id, 1n)).rejects.toThrow(/balance_limit/);
    const response = await userinfo(bearer(token));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ quota: Number.MAX_SAFE_INTEGER });
    expect(response.body).toContain(`"quota":${max}`);
  });
});

describe('RFC 6750 errors at userinfo (SEC-15)', () => {
  it('no token: 401 with a bare Bearer challenge, no error attribute', async () => {
    const response = await userinfo();
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="gatehouse"');
    expect(response.json()).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
  });

  it('another authentication scheme counts as no token', async () => {
    const response = await userinfo({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="gatehouse"');
  });

  it('a malformed Bearer header: 400 invalid_request', async () => {
    const response = await userinfo({ authorization: 'Bearer two tokens' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="gatehouse", error="invalid_request"/,
    );
  });

  it('an unknown token: 401 invalid_token with a description in the challenge', async () => {
    const response = await userinfo(bearer('gth_at_doesnotexist'));
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="gatehouse", error="invalid_token", error_description="the access token is invalid, expired or revoked"',
    );
    expect(response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the access token is invalid, expired or revoked',
    });
  });

  it('a revoked token: 401 invalid_token', async () => {
    const { token, hash } = await userWithToken(['profile']);
    expect((await userinfo(bearer(token))).statusCode).toBe(200);
    await t.stores.cache.accessTokens.delete(hash);
    const response = await userinfo(bearer(token));
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('invalid_token');
  });

  it('a token past its expiry is refused even if the cache still holds it', async () => {
    const { user, client } = await userWithToken(['profile']);
    const issued = await issueAccessToken(t.stores, user, client, ['profile']);
    const data = await t.stores.cache.accessTokens.get(issued.hash);
    await t.stores.cache.accessTokens.put(issued.hash, { ...data!, expiresAt: data!.issuedAt - 1 }, 60);
    const response = await userinfo(bearer(issued.token));
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('invalid_token');
  });

  it('accepts the Bearer scheme in any case', async () => {
    const { token } = await userWithToken(['profile']);
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      expect((await userinfo({ authorization: `${scheme} ${token}` })).statusCode).toBe(200);
    }
  });

  it('refuses a token in the query string with invalid_request, even next to a valid header', async () => {
    const { token } = await userWithToken(['profile']);
    const both = await userinfo(bearer(token), `/api/oauth2/userinfo?access_token=${token}`);
    expect(both.statusCode).toBe(400);
    expect(both.json().error).toBe('invalid_request');
    const queryOnly = await userinfo({}, `/api/oauth2/userinfo?access_token=${token}`);
    expect(queryOnly.statusCode).toBe(400);
    expect(queryOnly.json().error).toBe('invalid_request');
  });

  it('a token with neither profile nor balance: 403 insufficient_scope naming the scope', async () => {
    const { token } = await userWithToken(['something_else']);
    const response = await userinfo(bearer(token));
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('insufficient_scope');
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="gatehouse", error="insufficient_scope", error_description="[^"]+", scope="profile"$/,
    );
  });

  it('a disabled user: their token is refused at once', async () => {
    const { user, token } = await userWithToken(['profile']);
    expect((await userinfo(bearer(token))).statusCode).toBe(200);
    await t.stores.db.users.setStatus(user.id, 'disabled');
    const response = await userinfo(bearer(token));
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('invalid_token');
  });

  it('a disabled or deleted app: its tokens are refused at once', async () => {
    const disabled = await userWithToken(['profile']);
    await t.stores.db.clients.update(disabled.client.id, { disabled: true });
    expect((await userinfo(bearer(disabled.token))).statusCode).toBe(401);

    const deleted = await userWithToken(['profile']);
    await t.stores.db.clients.delete(deleted.client.id);
    expect((await userinfo(bearer(deleted.token))).statusCode).toBe(401);
  });
});
