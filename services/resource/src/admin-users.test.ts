import { randomId } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import {
  adminHeaders,
  bearer,
  createClient,
  createUser,
  creditUser,
  issueAccessToken,
  unique,
  useTestApp,
} from './testing/fixtures.js';

const t = useTestApp();

function admin(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url,
    headers: { ...adminHeaders, ...headers },
    ...(payload ? { payload } : {}),
  });
}

const balanceOf = async (userId: number) => (await t.stores.db.ledger.getBalance(userId))!.quota;
const entriesOf = (userId: number) => t.stores.db.ledger.listEntries(userId, 100);

describe('POST /api/admin/users', () => {
  it('creates a user with an argon2id hash and returns {id, username, email, created_time}', async () => {
    const username = unique('new');
    const response = await admin('POST', '/api/admin/users', {
      username,
      email: `${username}@example.com`,
      password: 'a long enough password',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      success: true,
      message: expect.any(String),
      data: {
        id: expect.any(Number),
        username,
        // Stored and shown in canonical form (SEC-35).
        email: `${username.toLowerCase()}@example.com`,
        email_verified: false,
        status: 'active',
        created_time: expect.any(Number),
      },
    });
    const stored = await t.stores.db.users.findById(body.data.id);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(response.body).not.toContain('a long enough password');
    const events = await t.stores.db.audit.list({ userId: body.data.id, type: 'user.created', limit: 5 });
    expect(events.map((e) => e.actor)).toEqual(['admin']);
  });

  it.each([
    [{ username: 'ab' }, /^username must be 3 to 32 characters/],
    [{ username: 'bad name' }, /^username may contain only/],
    [{ email: 'not-an-email' }, /^email must look like/],
    [{ password: 'short' }, /^password must be at least 10 characters/],
    [{ password: undefined }, /^password is required$/],
  ])('400 for %j, saying what is wrong', async (change, message) => {
    const username = unique('v');
    const response = await admin('POST', '/api/admin/users', {
      username,
      email: `${username}@example.com`,
      password: 'a long enough password',
      ...change,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ success: false, message: expect.stringMatching(message), data: null });
  });

  it('409 with a clear message for a taken username or email, in any case', async () => {
    const existing = await createUser(t.stores);
    const takenName = await admin('POST', '/api/admin/users', {
      username: existing.username.toUpperCase(),
      email: `${unique('x')}@example.com`,
      password: 'a long enough password',
    });
    expect(takenName.statusCode).toBe(409);
    expect(takenName.json()).toEqual({
      success: false,
      message: 'the username is already taken',
      data: null,
    });
    const takenEmail = await admin('POST', '/api/admin/users', {
      username: unique('y'),
      email: existing.email.toUpperCase(),
      password: 'a long enough password',
    });
    expect(takenEmail.statusCode).toBe(409);
    expect(takenEmail.json().message).toBe('the email address is already registered');
  });
});

describe('GET /api/admin/users', () => {
  it('finds users by q with their quota, and pages with limit and offset', async () => {
    const tag = `pg${randomId(4).replace(/[-_]/g, 'x')}`;
    const users = [await createUser(t.stores, `${tag}_a`), await createUser(t.stores, `${tag}_b`)];
    await creditUser(t.stores, users[0]!.id, 1_234n);
    await t.stores.db.users.markEmailVerified(users[0]!.id, users[0]!.email);
    const response = await admin('GET', `/api/admin/users?q=${tag}`);
    expect(response.statusCode).toBe(200);
    const data = response.json().data;
    expect(data).toHaveLength(2);
    expect(data).toContainEqual({
      id: users[0]!.id,
      username: users[0]!.username,
      email: users[0]!.email,
      email_verified: true,
      status: 'active',
      quota: 1_234,
      used_quota: 0,
      balance: { amount: '0.00', currency: 'USD', quota: 1_234 },
      created_time: Math.floor(users[0]!.createdAt.getTime() / 1000),
    });
    expect(response.body).not.toContain('passwordHash');
    const first = (await admin('GET', `/api/admin/users?q=${tag}&limit=1&offset=0`)).json().data;
    const second = (await admin('GET', `/api/admin/users?q=${tag}&limit=1&offset=1`)).json().data;
    expect([...first, ...second].map((u: { id: number }) => u.id).sort()).toEqual(
      users.map((u) => u.id).sort(),
    );
  });

  it('400 in the wrapper for a limit out of range', async () => {
    const response = await admin('GET', '/api/admin/users?limit=1000');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ success: false, message: 'limit must be <= 200', data: null });
  });
});

describe('balances at the cap (SEC-32)', () => {
  it('are listed exactly: no change can take a balance past 2^53 - 1', async () => {
    const user = await createUser(t.stores);
    await creditUser(t.stores, user.id, BigInt(Number.MAX_SAFE_INTEGER));
    await expect(creditUser(t.stores, user.id, 1n)).rejects.toThrow(/balance_limit/);
    const response = await admin('GET', `/api/admin/users?q=${user.username}`);
    expect(response.statusCode).toBe(200);
    expect(response.json().data[0]).toMatchObject({ quota: Number.MAX_SAFE_INTEGER });
  });
});

describe('two-factor state and reset (SEC-72)', () => {
  const enrol = async (userId: number) => {
    await t.stores.db.twoFactor.beginTotp(userId, 'encrypted-secret', new Date());
    await t.stores.db.twoFactor.confirmTotp(userId, 1, [randomId(), randomId(), randomId()], new Date());
  };

  it('GET /api/admin/users/:id shows the user with two_factor, never a secret', async () => {
    const user = await createUser(t.stores);
    const off = await admin('GET', `/api/admin/users/${user.id}`);
    expect(off.statusCode).toBe(200);
    expect(off.json().data).toMatchObject({
      id: user.id,
      username: user.username,
      status: 'active',
      two_factor: { totp: false, recovery_codes_left: 0, passkeys: 0 },
    });
    await enrol(user.id);
    const on = await admin('GET', `/api/admin/users/${user.id}`);
    expect(on.json().data.two_factor).toEqual({ totp: true, recovery_codes_left: 3, passkeys: 0 });
    expect(on.body).not.toContain('encrypted-secret');
    expect((await admin('GET', '/api/admin/users/999999999')).statusCode).toBe(404);
    expect((await admin('GET', '/api/admin/users/abc')).statusCode).toBe(404);
  });

  it('DELETE /api/admin/users/:id/two-factor removes the factor and its codes, audited', async () => {
    const user = await createUser(t.stores);
    await enrol(user.id);
    await t.stores.db.passkeys.add(
      { userId: user.id, credentialId: randomId(), publicKey: 'pQ', counter: 0, transports: [], name: 'Key' },
      new Date(),
    );
    const reset = await admin('DELETE', `/api/admin/users/${user.id}/two-factor`);
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({
      success: true,
      message: 'two-factor authentication reset',
      data: { id: user.id, two_factor: { totp: false, recovery_codes_left: 0, passkeys: 0 } },
    });
    expect(await t.stores.db.twoFactor.findTotp(user.id)).toBeNull();
    const events = await t.stores.db.audit.list({ userId: user.id, type: 'two_factor.reset', limit: 5 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'admin',
      data: { totp: true, recovery_codes_left: 3, passkeys: 1 },
    });
    expect(await t.stores.db.passkeys.listByUser(user.id)).toEqual([]);

    const again = await admin('DELETE', `/api/admin/users/${user.id}/two-factor`);
    expect(again.statusCode).toBe(200);
    expect(again.json().message).toBe('the user had no second factor');
    expect(
      await t.stores.db.audit.list({ userId: user.id, type: 'two_factor.reset', limit: 5 }),
    ).toHaveLength(1);
    expect((await admin('DELETE', '/api/admin/users/999999999/two-factor')).statusCode).toBe(404);
  });

  it('needs the admin token', async () => {
    const user = await createUser(t.stores);
    await enrol(user.id);
    const response = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${user.id}/two-factor` });
    expect(response.statusCode).toBe(401);
    expect((await t.stores.db.twoFactor.status(user.id)).totp).toBe(true);
  });
});

describe('POST /api/admin/users/:id/disable', () => {
  it('disables the user and revokes all their tokens: userinfo refuses them at once', async () => {
    const user = await createUser(t.stores);
    const clients = [await createClient(t.stores), await createClient(t.stores)];
    const tokens = await Promise.all(clients.map((c) => issueAccessToken(t.stores, user, c, ['profile'])));
    await t.stores.db.webhooks.setEndpoint(clients[0]!.id, {
      url: 'https://h.example/in',
      encryptedSecret: 'x',
    });
    const userinfo = (token: string) =>
      t.app.inject({ method: 'GET', url: '/api/oauth2/userinfo', headers: bearer(token) });
    expect((await userinfo(tokens[0]!.token)).statusCode).toBe(200);

    const response = await admin('POST', `/api/admin/users/${user.id}/disable`);
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ id: user.id, status: 'disabled', quota: 0 });
    for (const token of tokens) {
      expect(await t.stores.cache.accessTokens.get(token.hash)).toBeNull();
      expect((await userinfo(token.token)).statusCode).toBe(401);
    }
    expect((await t.stores.db.refreshTokens.revokeForUser(user.id, null, new Date())).length).toBe(0);
    const events = await t.stores.db.audit.list({ userId: user.id, type: 'user.disabled', limit: 5 });
    expect(events.map((e) => e.actor)).toEqual(['admin']);
    // The app with a webhook is told its access ended (the other has none: no event is written).
    const hooks = await t.stores.db.webhooks.list(clients[0]!.id, 5);
    expect(hooks.map((e) => [e.type, e.data])).toEqual([
      ['grant.revoked', { object: 'grant', sub: String(user.id), reason: 'account_disabled' }],
    ]);
    expect(await t.stores.db.webhooks.list(clients[1]!.id, 5)).toEqual([]);
  });

  it('404 for an unknown user', async () => {
    expect((await admin('POST', '/api/admin/users/999999999/disable')).statusCode).toBe(404);
    expect((await admin('POST', '/api/admin/users/abc/disable')).statusCode).toBe(404);
  });
});

describe('credits and debits (SEC-23–SEC-24)', () => {
  const key = () => ({ 'idempotency-key': `key-${randomId()}` });

  it('a credit writes one ledger row and returns {entry_id, quota} with the new balance', async () => {
    const user = await createUser(t.stores);
    await creditUser(t.stores, user.id, 500n);
    const response = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { quota: 1_000, reason: 'goodwill' },
      key(),
    );
    expect(response.statusCode).toBe(200);
    const data = response.json().data;
    expect(data).toEqual({
      entry_id: expect.any(Number),
      quota: 1_500,
      balance: { amount: '0.00', currency: 'USD', quota: 1_500 },
    });
    expect(await balanceOf(user.id)).toBe(1_500n);
    const [entry] = await entriesOf(user.id);
    expect(entry).toMatchObject({
      id: data.entry_id,
      amount: 1_000n,
      kind: 'credit',
      actor: 'admin',
      reference: 'goodwill',
    });
    const events = await t.stores.db.audit.list({ userId: user.id, type: 'balance.credited', limit: 5 });
    expect(events).toHaveLength(1);
  });

  it("takes an amount of the currency instead of quota, converted with the server's QUOTA_PER_UNIT", async () => {
    const user = await createUser(t.stores);
    const response = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { amount: '2.50', reason: 'goodwill' },
      key(),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().data.balance).toEqual({ amount: '2.50', currency: 'USD', quota: 1_250_000 });
    expect(await balanceOf(user.id)).toBe(1_250_000n);

    const both = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { amount: '1.00', quota: 5, reason: 'x' },
      key(),
    );
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toMatch(/^give exactly one of quota/);
    expect(await balanceOf(user.id)).toBe(1_250_000n);
  });

  it('a debit is a negative ledger amount of kind debit', async () => {
    const user = await createUser(t.stores);
    await creditUser(t.stores, user.id, 5_000n);
    const response = await admin(
      'POST',
      `/api/admin/users/${user.id}/debits`,
      { quota: 2_000, reason: 'usage' },
      key(),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().data.quota).toBe(3_000);
    const [entry] = await entriesOf(user.id);
    expect(entry).toMatchObject({ amount: -2_000n, kind: 'debit', actor: 'admin' });
    expect((await t.stores.db.ledger.getBalance(user.id))?.usedQuota).toBe(2_000n);
  });

  it('400 without an Idempotency-Key, and nothing is written', async () => {
    const user = await createUser(t.stores);
    for (const path of ['credits', 'debits']) {
      const response = await admin('POST', `/api/admin/users/${user.id}/${path}`, { quota: 10, reason: 'x' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        success: false,
        message: expect.stringMatching(/Idempotency-Key/),
        data: null,
      });
    }
    expect(await entriesOf(user.id)).toHaveLength(0);
  });

  it('a retry with the same key returns the first result and credits once', async () => {
    const user = await createUser(t.stores);
    const headers = key();
    const first = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { quota: 700, reason: 'promo' },
      headers,
    );
    await creditUser(t.stores, user.id, 5n); // the balance moves on in between
    const retry = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { quota: 700, reason: 'promo' },
      headers,
    );
    expect(retry.statusCode).toBe(200);
    expect(retry.json().data).toEqual(first.json().data);
    expect(retry.json().data.quota).toBe(700);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await balanceOf(user.id)).toBe(705n);
    expect(await entriesOf(user.id)).toHaveLength(2);
  });

  it('concurrent duplicates with one key credit once', async () => {
    const user = await createUser(t.stores);
    const headers = key();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        admin('POST', `/api/admin/users/${user.id}/credits`, { quota: 300, reason: 'race' }, headers),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((r) => r.json().data.entry_id)).size).toBe(1);
    expect(await balanceOf(user.id)).toBe(300n);
  });

  it('422 for the same key with a different amount, and nothing is written', async () => {
    const user = await createUser(t.stores);
    const headers = key();
    await admin('POST', `/api/admin/users/${user.id}/credits`, { quota: 100, reason: 'a' }, headers);
    const conflict = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { quota: 101, reason: 'a' },
      headers,
    );
    expect(conflict.statusCode).toBe(422);
    expect(conflict.json()).toEqual({
      success: false,
      message: expect.stringMatching(/Idempotency-Key/),
      data: null,
    });
    expect(await balanceOf(user.id)).toBe(100n);
    expect(await entriesOf(user.id)).toHaveLength(1);
  });

  it('409 for a debit below zero: balance and ledger unchanged', async () => {
    const user = await createUser(t.stores);
    await creditUser(t.stores, user.id, 1_000n);
    const before = await entriesOf(user.id);
    const response = await admin(
      'POST',
      `/api/admin/users/${user.id}/debits`,
      { quota: 1_001, reason: 'x' },
      key(),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      success: false,
      message: expect.stringMatching(/insufficient funds/),
      data: { quota: 1_000 },
    });
    expect(await balanceOf(user.id)).toBe(1_000n);
    expect(await entriesOf(user.id)).toEqual(before);
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['a fraction', 1.5],
    ['a string', '100'],
    ['a boolean', true],
    ['above 2^53 - 1', 2 ** 53],
  ])('400 for a quota that is %s, and nothing is written', async (_label, quota) => {
    const user = await createUser(t.stores);
    const response = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { quota, reason: 'x' },
      key(),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      success: false,
      message: expect.stringMatching(/^quota /),
      data: null,
    });
    expect(await entriesOf(user.id)).toHaveLength(0);
  });

  it('400 without a reason', async () => {
    const user = await createUser(t.stores);
    const response = await admin('POST', `/api/admin/users/${user.id}/credits`, { quota: 5 }, key());
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe('reason is required');
  });

  it('refuses a credit that would take the balance past 2^53 - 1', async () => {
    const user = await createUser(t.stores);
    await creditUser(t.stores, user.id, BigInt(Number.MAX_SAFE_INTEGER) - 10n);
    const response = await admin(
      'POST',
      `/api/admin/users/${user.id}/credits`,
      { quota: 11, reason: 'x' },
      key(),
    );
    expect(response.statusCode).toBe(409);
    expect(await balanceOf(user.id)).toBe(BigInt(Number.MAX_SAFE_INTEGER) - 10n);
  });

  it('404 for an unknown user', async () => {
    for (const path of ['credits', 'debits']) {
      const response = await admin(
        'POST',
        `/api/admin/users/999999999/${path}`,
        { quota: 1, reason: 'x' },
        key(),
      );
      expect(response.statusCode).toBe(404);
    }
  });

  it('a credit shows at userinfo on the next request', async () => {
    const user = await createUser(t.stores);
    const client = await createClient(t.stores);
    const { token } = await issueAccessToken(t.stores, user, client, ['balance']);
    await admin('POST', `/api/admin/users/${user.id}/credits`, { quota: 250_000, reason: 'top-up' }, key());
    const info = await t.app.inject({ method: 'GET', url: '/api/oauth2/userinfo', headers: bearer(token) });
    expect(info.json()).toMatchObject({ quota: 250_000, balance_formatted: '0.50' });
  });
});
