import { sha256Hex } from '@gatehouse/core';
import { buildTestApp, testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  adminHeaders,
  bearer,
  createClient,
  createUser,
  issueAccessToken,
  registerResource,
  useTestApp,
} from './testing/fixtures.js';

const t = useTestApp();

type Method = 'GET' | 'POST' | 'PATCH';

function admin(method: Method, url: string, payload?: object) {
  return t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
}

/** One request per admin route. */
const ADMIN_ROUTES: [Method, string][] = [
  ['POST', '/api/admin/users'],
  ['GET', '/api/admin/users'],
  ['POST', '/api/admin/users/1/disable'],
  ['POST', '/api/admin/users/1/credits'],
  ['POST', '/api/admin/users/1/debits'],
  ['POST', '/api/admin/topup-codes'],
  ['POST', '/api/admin/clients'],
  ['GET', '/api/admin/clients'],
  ['PATCH', '/api/admin/clients/gh_x'],
  ['GET', '/api/admin/audit'],
];

describe('admin authentication', () => {
  it.each(ADMIN_ROUTES)(
    '%s %s: 401 in the wrapper without the admin token or with a wrong one',
    async (method, url) => {
      for (const headers of [{}, bearer(`${ADMIN_TOKEN}x`), { authorization: `Basic ${ADMIN_TOKEN}` }]) {
        const response = await t.app.inject({ method, url, headers, payload: {} });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ success: false, message: expect.any(String), data: null });
      }
    },
  );

  it('accepts the admin token with any scheme case', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/admin/clients',
      headers: { authorization: `bearer ${ADMIN_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
  });

  describe('without GATEHOUSE_ADMIN_TOKEN', () => {
    let unset: FastifyInstance;
    beforeAll(async () => {
      unset = await buildTestApp(registerResource, { stores: t.stores, config: testConfig() });
    });
    afterAll(async () => {
      await unset?.close();
    });

    it.each(ADMIN_ROUTES)('%s %s answers 404, whatever the token', async (method, url) => {
      for (const headers of [{}, bearer(ADMIN_TOKEN)]) {
        const response = await unset.inject({ method, url, headers, payload: {} });
        expect(response.statusCode).toBe(404);
        // Says why, in the API's wrapper, so an operator knows what to set.
        expect(response.json()).toEqual({
          success: false,
          message: expect.stringMatching(
            /^the admin API is disabled on this server: start it with GATEHOUSE_ADMIN_TOKEN/,
          ),
          data: null,
        });
      }
    });
  });
});

describe('POST /api/admin/topup-codes', () => {
  it('returns count codes once and stores only their hashes', async () => {
    const response = await admin('POST', '/api/admin/topup-codes', { quota: 50_000, count: 3 });
    expect(response.statusCode).toBe(201);
    const data = response.json().data;
    expect(data).toMatchObject({
      quota: 50_000,
      value: { amount: '0.10', currency: 'USD', quota: 50_000 },
      count: 3,
      expires_at: null,
      batch_id: expect.any(String),
    });
    expect(data.codes).toHaveLength(3);
    expect(new Set(data.codes).size).toBe(3);
    for (const code of data.codes) expect(code).toMatch(/^gth_tc_[A-Za-z0-9_-]{43}$/);

    const user = await createUser(t.stores);
    // The plain code is not what was stored…
    expect((await t.stores.db.topupCodes.redeem(data.codes[0], user.id, new Date())).kind).toBe('not_found');
    // …its SHA-256 is, and it credits the quota of the batch.
    const redeemed = await t.stores.db.topupCodes.redeem(sha256Hex(data.codes[0]), user.id, new Date());
    expect(redeemed).toMatchObject({ kind: 'redeemed', entry: { amount: 50_000n } });
    const events = await t.stores.db.audit.list({ type: 'topup_codes.created', limit: 50 });
    const event = events.find((e) => e.data.batch_id === data.batch_id);
    expect(event).toMatchObject({ actor: 'admin', data: { count: 3, quota: 50_000 } });
    expect(JSON.stringify(events)).not.toContain(data.codes[1]);
  });

  it("takes the value as an amount of the currency, converted with the server's QUOTA_PER_UNIT", async () => {
    const response = await admin('POST', '/api/admin/topup-codes', { amount: '10.50', count: 1 });
    expect(response.statusCode).toBe(201);
    expect(response.json().data).toMatchObject({
      quota: 5_250_000,
      value: { amount: '10.50', currency: 'USD', quota: 5_250_000 },
    });
  });

  it('accepts a future expires_at (unix seconds or ISO 8601) and the codes expire with it', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    const unix = await admin('POST', '/api/admin/topup-codes', { quota: 1, count: 1, expires_at: future });
    expect(unix.statusCode).toBe(201);
    expect(unix.json().data.expires_at).toBe(future);
    const iso = await admin('POST', '/api/admin/topup-codes', {
      quota: 1,
      count: 1,
      expires_at: new Date(future * 1000).toISOString(),
    });
    expect(iso.json().data.expires_at).toBe(future);
    const user = await createUser(t.stores);
    const later = new Date((future + 1) * 1000);
    const code = iso.json().data.codes[0];
    expect((await t.stores.db.topupCodes.redeem(sha256Hex(code), user.id, later)).kind).toBe('expired');
  });

  it.each([
    [{ quota: 1, count: 0 }, /^count must be >= 1$/],
    [{ quota: 1, count: 1001 }, /^count must be <= 1000$/],
    [{ quota: 0, count: 1 }, /^quota must be >= 1$/],
    [{ quota: '5', count: 1 }, /^quota must be a JSON number/],
    [{ count: 1 }, /^give exactly one of quota \(integer units\) or amount/],
    [{ quota: 5, amount: '1.00', count: 1 }, /^give exactly one of quota/],
    [{ amount: '1.234', count: 1 }, /^amount must be a decimal string with at most two decimal places/],
    [{ amount: '0.00', count: 1 }, /^the amount must be greater than zero$/],
    [{ quota: 1, count: 1, expires_at: 1_000_000 }, /in the future/],
    [{ quota: 1, count: 1, expires_at: 'next tuesday' }, /ISO 8601/],
    [{ quota: 1, count: 1, expires_at: 1.5 }, /ISO 8601/],
  ])('400 for %j', async (body, message) => {
    const response = await admin('POST', '/api/admin/topup-codes', body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ success: false, message: expect.stringMatching(message), data: null });
  });
});

describe('admin clients', () => {
  const first = { name: 'First Party', redirect_uris: ['https://first.example.com/cb'] };

  it('creates a trusted first-party client with an owner, showing the secret once', async () => {
    const owner = await createUser(t.stores);
    const response = await admin('POST', '/api/admin/clients', {
      ...first,
      trusted: true,
      owner_user_id: owner.id,
    });
    expect(response.statusCode).toBe(201);
    const data = response.json().data;
    expect(data).toMatchObject({
      id: expect.any(Number),
      name: 'First Party',
      client_id: expect.any(String),
      client_secret: expect.stringMatching(/^gth_cs_/),
      redirect_uri: 'https://first.example.com/cb',
      redirect_uris: ['https://first.example.com/cb'],
      created_time: expect.any(Number),
      trusted: true,
      owner_user_id: owner.id,
    });
    const stored = await t.stores.db.clients.findByClientId(data.client_id);
    expect(stored).toMatchObject({
      trusted: true,
      ownerUserId: owner.id,
      secretHash: sha256Hex(data.client_secret),
    });
    const events = await t.stores.db.audit.list({ clientId: data.client_id, limit: 5 });
    expect(events.map((e) => [e.type, e.actor])).toEqual([['client.created', 'admin']]);
  });

  it('defaults to untrusted and no owner', async () => {
    const response = await admin('POST', '/api/admin/clients', first);
    expect(response.json().data).toMatchObject({ trusted: false, owner_user_id: null });
  });

  it.each([
    [
      { redirect_uris: ['javascript:alert(1)'] },
      /^redirect_uris\[0\] "javascript:alert\(1\)" must use https/,
    ],
    [{ redirect_uris: ['https://first.example.com/cb#f'] }, /fragment/],
    [{ owner_user_id: 999_999_999 }, /owner_user_id 999999999 does not name a user/],
    [{ trusted: 'yes' }, /^trusted must be a JSON boolean/],
    [{ name: undefined }, /^name is required$/],
  ])('400 for %j', async (change, message) => {
    const response = await admin('POST', '/api/admin/clients', { ...first, ...change });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ success: false, message: expect.stringMatching(message), data: null });
  });

  it('lists clients in pages, oldest first, like users (limit, offset)', async () => {
    for (let i = 0; i < 3; i++)
      expect((await admin('POST', '/api/admin/clients', first)).statusCode).toBe(201);
    const all = (await admin('GET', '/api/admin/clients?limit=200')).json().data as { id: number }[];
    const ids = all.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const page = (offset: number) =>
      admin('GET', `/api/admin/clients?limit=2&offset=${offset}`).then((r) =>
        r.json().data.map((c: { id: number }) => c.id),
      );
    expect(await page(0)).toEqual(ids.slice(0, 2));
    expect(await page(2)).toEqual(ids.slice(2, 4));
    const tooMany = await admin('GET', '/api/admin/clients?limit=1000');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message).toBe('limit must be <= 200');
  });

  it('lists clients without secrets', async () => {
    const created = (await admin('POST', '/api/admin/clients', first)).json().data;
    const response = await admin('GET', '/api/admin/clients?limit=200');
    expect(response.statusCode).toBe(200);
    const listed = response.json().data.find((c: { client_id: string }) => c.client_id === created.client_id);
    expect(listed).toMatchObject({ id: created.id, trusted: false, disabled: false });
    expect(listed).not.toHaveProperty('client_secret');
    expect(response.body).not.toContain(created.client_secret);
    expect(response.body).not.toContain(sha256Hex(created.client_secret));
  });

  it('registers and changes the OpenID Connect fields: post-logout redirect URIs and the ID-token alg', async () => {
    const created = await admin('POST', '/api/admin/clients', {
      ...first,
      post_logout_redirect_uris: ['https://first.example.com/bye'],
      id_token_signed_response_alg: 'ES256',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().data).toMatchObject({
      post_logout_redirect_uris: ['https://first.example.com/bye'],
      id_token_signed_response_alg: 'ES256',
    });
    const clientId = created.json().data.client_id;
    const patched = await admin('PATCH', `/api/admin/clients/${clientId}`, {
      post_logout_redirect_uris: [],
      id_token_signed_response_alg: 'RS256',
    });
    expect(patched.statusCode).toBe(200);
    expect(await t.stores.db.clients.findByClientId(clientId)).toMatchObject({
      postLogoutRedirectUris: [],
      idTokenSignedResponseAlg: 'RS256',
    });
    for (const change of [
      { post_logout_redirect_uris: ['javascript:alert(1)'] },
      { id_token_signed_response_alg: 'none' },
    ]) {
      const refused = await admin('PATCH', `/api/admin/clients/${clientId}`, change);
      expect(refused.statusCode).toBe(400);
    }
    const defaults = (await admin('POST', '/api/admin/clients', first)).json().data;
    expect(defaults).toMatchObject({ post_logout_redirect_uris: [], id_token_signed_response_alg: 'RS256' });
  });

  it('PATCH trusted changes only trust', async () => {
    const client = await createClient(t.stores);
    const response = await admin('PATCH', `/api/admin/clients/${client.clientId}`, { trusted: true });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({
      client_id: client.clientId,
      trusted: true,
      disabled: false,
    });
    expect((await t.stores.db.clients.findById(client.id))?.trusted).toBe(true);
  });

  it('PATCH disabled revokes all the client’s tokens: userinfo refuses them', async () => {
    const client = await createClient(t.stores);
    const users = [await createUser(t.stores), await createUser(t.stores)];
    const tokens = await Promise.all(users.map((u) => issueAccessToken(t.stores, u, client, ['profile'])));
    const other = await issueAccessToken(t.stores, users[0]!, await createClient(t.stores), ['profile']);
    const response = await admin('PATCH', `/api/admin/clients/${client.clientId}`, { disabled: true });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ disabled: true });
    for (const token of tokens) {
      expect(await t.stores.cache.accessTokens.get(token.hash)).toBeNull();
      const info = await t.app.inject({
        method: 'GET',
        url: '/api/oauth2/userinfo',
        headers: bearer(token.token),
      });
      expect(info.statusCode).toBe(401);
    }
    // Another app's token for the same user is untouched.
    expect(await t.stores.cache.accessTokens.get(other.hash)).not.toBeNull();
    const events = await t.stores.db.audit.list({
      clientId: client.clientId,
      type: 'client.updated',
      limit: 5,
    });
    expect(events).toMatchObject([{ actor: 'admin', data: { disabled: true } }]);
  });

  it('PATCH: 404 for an unknown client, 400 for an empty change or a non-boolean', async () => {
    expect((await admin('PATCH', '/api/admin/clients/gh_unknown', { trusted: true })).statusCode).toBe(404);
    const client = await createClient(t.stores);
    const empty = await admin('PATCH', `/api/admin/clients/${client.clientId}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toMatch(/trusted, disabled and\/or device_grant_enabled/);
    const notBoolean = await admin('PATCH', `/api/admin/clients/${client.clientId}`, { disabled: 'true' });
    expect(notBoolean.statusCode).toBe(400);
    expect((await t.stores.db.clients.findById(client.id))?.disabled).toBe(false);
  });
});

describe('GET /api/admin/audit', () => {
  it('lists events newest first, filtered by client, user and type, up to limit', async () => {
    const client = await createClient(t.stores);
    await admin('PATCH', `/api/admin/clients/${client.clientId}`, { trusted: true });
    await admin('PATCH', `/api/admin/clients/${client.clientId}`, { trusted: false });
    await admin('PATCH', `/api/admin/clients/${client.clientId}`, { disabled: true });

    const byClient = (await admin('GET', `/api/admin/audit?client_id=${client.clientId}`)).json().data;
    expect(byClient.map((e: { data: object }) => e.data)).toEqual([
      { disabled: true },
      { trusted: false },
      { trusted: true },
    ]);
    expect(byClient[0]).toMatchObject({
      id: expect.any(Number),
      type: 'client.updated',
      client_id: client.clientId,
      actor: 'admin',
      created_time: expect.any(Number),
    });
    const ids = byClient.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const limited = (await admin('GET', `/api/admin/audit?client_id=${client.clientId}&limit=1`)).json().data;
    expect(limited).toHaveLength(1);
    expect(limited[0].id).toBe(ids[0]);

    const user = await createUser(t.stores);
    await admin('POST', `/api/admin/users/${user.id}/disable`);
    const byUser = (await admin('GET', `/api/admin/audit?user_id=${user.id}&type=user.disabled`)).json().data;
    expect(byUser).toHaveLength(1);
    expect(byUser[0]).toMatchObject({ type: 'user.disabled', user_id: user.id });
    const wrongType = (await admin('GET', `/api/admin/audit?user_id=${user.id}&type=client.updated`)).json()
      .data;
    expect(wrongType).toEqual([]);
  });

  it('400 for a bad filter', async () => {
    const response = await admin('GET', '/api/admin/audit?user_id=abc');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ success: false, message: 'user_id must be integer', data: null });
  });
});
