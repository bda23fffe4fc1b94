import type { Allowance } from '@gatehouse/core';
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

const t = useTestApp({
  env: { ISSUER: 'https://auth.example.com', QUOTA_PER_UNIT: '100', HOLD_TTL: '3600' },
});

/** A user with `quota` who granted an app `charge` with `allowance`. */
async function setup(
  quota: bigint,
  allowance: Allowance | null = { limit: 1000n, period: 'month' },
  scopes = ['charge'],
) {
  const user = await createUser(t.stores);
  const client = await createClient(t.stores);
  if (quota > 0n) await creditUser(t.stores, user.id, quota);
  await t.stores.db.grants.upsert(user.id, client.id, ['profile', 'charge']);
  if (allowance) await t.stores.db.charges.setAllowance(user.id, client.id, allowance);
  const { token } = await issueAccessToken(t.stores, user, client, scopes);
  return { user, client, token };
}

function post(token: string, url: string, payload: unknown, key: string | null = unique('key')) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) },
    payload: payload as object,
  });
}

describe('POST /api/oauth2/charges', () => {
  it('charges: 201 with the charge, the balance and the allowance', async () => {
    const { token } = await setup(1000n, { limit: 500n, period: 'day' });
    const response = await post(token, '/api/oauth2/charges', {
      amount: '1.50',
      description: 'Premium',
      reference: 'o-1',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'succeeded',
      amount: '1.50',
      quota: 150,
      currency: 'USD',
      description: 'Premium',
      reference: 'o-1',
      captured_amount: '1.50',
      refunded_amount: '0.00',
      balance: { amount: '8.50', quota: 850, held: { amount: '0.00', quota: 0 } },
      allowance: {
        period: 'day',
        limit: { quota: 500 },
        used: { quota: 150 },
        remaining: { quota: 350, amount: '3.50' },
      },
    });
    expect(body.id).toMatch(/^ch_/);
    expect(typeof body.allowance.resets_at).toBe('number');
  });

  it('replays a key with Idempotent-Replayed; another body under it is 422', async () => {
    const { token, user } = await setup(1000n);
    const key = unique('key');
    const first = await post(token, '/api/oauth2/charges', { quota: 10, description: 'x' }, key);
    const again = await post(token, '/api/oauth2/charges', { quota: 10, description: 'x' }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await post(token, '/api/oauth2/charges', { quota: 11, description: 'x' }, key);
    expect(other.statusCode).toBe(422);
    expect((await t.stores.db.charges.getBalance(user.id))?.quota).toBe(990n);
  });

  it('402 insufficient_balance with the top-up link; 403 allowance_exceeded with the allowance', async () => {
    const poor = await setup(10n);
    const refused = await post(poor.token, '/api/oauth2/charges', { quota: 11, description: 'x' });
    expect(refused.statusCode).toBe(402);
    expect(refused.json()).toMatchObject({
      error: 'insufficient_balance',
      topup_url: `https://auth.example.com/topup?client_id=${poor.client.clientId}`,
      balance: { quota: 10 },
    });
    const capped = await setup(10_000n, { limit: 100n, period: 'week' });
    const over = await post(capped.token, '/api/oauth2/charges', { quota: 101, description: 'x' });
    expect(over.statusCode).toBe(403);
    expect(over.json()).toMatchObject({
      error: 'allowance_exceeded',
      allowance: { remaining: { quota: 100 } },
    });
  });

  it('403 insufficient_scope without charge; 400 for bad amounts or a missing key', async () => {
    const { token } = await setup(1000n, undefined, ['balance']);
    const noScope = await post(token, '/api/oauth2/charges', { quota: 1, description: 'x' });
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json().error).toBe('insufficient_scope');
    const ok = await setup(1000n);
    for (const payload of [
      { amount: '0.001', description: 'x' },
      { amount: '0', description: 'x' },
      { quota: 1 },
      { quota: 1, amount: '1', description: 'x' },
    ]) {
      const bad = await post(ok.token, '/api/oauth2/charges', payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().error).toBe('invalid_request');
    }
    const noKey = await post(ok.token, '/api/oauth2/charges', { quota: 1, description: 'x' }, null);
    expect(noKey.statusCode).toBe(400);
  });
});

describe('holds, capture, cancel, refunds, list', () => {
  it('hold → partial capture → refund, and only the charging client may act', async () => {
    const { token, user, client } = await setup(1000n, { limit: 800n, period: 'total' });
    const held = await post(token, '/api/oauth2/charges', {
      quota: 400,
      description: 'LLM call',
      capture: false,
    });
    expect(held.statusCode).toBe(201);
    expect(held.json()).toMatchObject({
      status: 'held',
      balance: { quota: 600, held: { quota: 400 } },
      allowance: { used: { quota: 400 } },
    });
    expect(typeof held.json().hold_expires_time).toBe('number');
    const id = held.json().id as string;

    const intruder = await setup(1000n);
    expect((await post(intruder.token, `/api/oauth2/charges/${id}/capture`, {})).statusCode).toBe(404);

    const captured = await post(token, `/api/oauth2/charges/${id}/capture`, { quota: 150 });
    expect(captured.statusCode).toBe(200);
    expect(captured.json()).toMatchObject({
      status: 'succeeded',
      captured_quota: 150,
      balance: { quota: 850, held: { quota: 0 } },
      allowance: { used: { quota: 150 } },
    });
    expect((await post(token, `/api/oauth2/charges/${id}/cancel`, {})).statusCode).toBe(409);

    const tooMuch = await post(token, `/api/oauth2/charges/${id}/refunds`, { quota: 151 });
    expect(tooMuch.statusCode).toBe(400);
    const refund = await post(token, `/api/oauth2/charges/${id}/refunds`, {
      quota: 50,
      reason: 'partly broken',
    });
    expect(refund.statusCode).toBe(201);
    expect(refund.json()).toMatchObject({
      charge_id: id,
      quota: 50,
      charge: { refunded_quota: 50, balance: { quota: 900 }, allowance: { used: { quota: 100 } } },
    });
    expect(refund.json().id).toMatch(/^re_/);
    const rest = await post(token, `/api/oauth2/charges/${id}/refunds`, {});
    expect(rest.json()).toMatchObject({ quota: 100, charge: { balance: { quota: 1000 } } });

    const got = await t.app.inject({
      method: 'GET',
      url: `/api/oauth2/charges/${id}`,
      headers: bearer(token),
    });
    expect(got.json()).toMatchObject({ id, refunded_quota: 150 });
    expect(got.json().refunds).toHaveLength(2);
    // Another app's (and another user's) charge reads exactly as an unknown id.
    for (const [who, url] of [
      [intruder.token, `/api/oauth2/charges/${id}`],
      [token, '/api/oauth2/charges/ch_unknown'],
    ] as const) {
      const hidden = await t.app.inject({ method: 'GET', url, headers: bearer(who) });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json()).toMatchObject({ error: 'not_found' });
    }
    expect(await t.stores.db.charges.checkLedger()).toEqual([]);
    expect(user.id).toBeGreaterThan(0);
    expect(client.id).toBeGreaterThan(0);
  });

  it('cancel releases a hold; list pages newest first', async () => {
    const { token } = await setup(1000n);
    const a = (await post(token, '/api/oauth2/charges', { quota: 5, description: 'a' })).json().id;
    const b = (
      await post(token, '/api/oauth2/charges', { quota: 6, description: 'b', capture: false })
    ).json().id;
    const canceled = await post(token, `/api/oauth2/charges/${b}/cancel`, {});
    expect(canceled.json()).toMatchObject({
      status: 'canceled',
      balance: { quota: 995, held: { quota: 0 } },
    });
    const page = await t.app.inject({
      method: 'GET',
      url: '/api/oauth2/charges?limit=1',
      headers: bearer(token),
    });
    expect(page.json()).toMatchObject({ data: [{ id: b }], has_more: true });
    const next = await t.app.inject({
      method: 'GET',
      url: `/api/oauth2/charges?limit=1&starting_after=${b}`,
      headers: bearer(token),
    });
    expect(next.json().data.map((c: { id: string }) => c.id)).toEqual([a]);
  });
});

describe('userinfo with charge', () => {
  it('adds allowance and balance.held', async () => {
    const { token } = await setup(1000n, { limit: 300n, period: 'month' }, ['balance', 'charge']);
    await post(token, '/api/oauth2/charges', { quota: 100, description: 'hold', capture: false });
    const info = await t.app.inject({ method: 'GET', url: '/api/oauth2/userinfo', headers: bearer(token) });
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({
      quota: 900,
      balance: { quota: 900, held: { quota: 100, amount: '1.00' } },
      allowance: {
        period: 'month',
        limit: { quota: 300, amount: '3.00' },
        used: { quota: 100 },
        remaining: { quota: 200 },
      },
    });
    expect(info.json().allowance.resets_at).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('admin: charges, refunds on the user’s behalf, ledger check', () => {
  it('lists a user’s charges, refunds with an audit event, and the ledger checks out', async () => {
    const { token, user, client } = await setup(1000n);
    const id = (await post(token, '/api/oauth2/charges', { quota: 40, description: 'x' })).json().id;
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/admin/charges?user_id=${user.id}&client_id=${client.clientId}`,
      headers: adminHeaders,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toMatchObject([{ id, user_id: user.id, quota: 40, refunds: [] }]);

    const key = unique('key');
    const refund = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/admin/charges/${id}/refunds`,
        headers: { ...adminHeaders, 'idempotency-key': key },
        payload: { quota: 15, reason: 'support ticket 7' },
      });
    const first = await refund();
    expect(first.statusCode).toBe(200);
    expect(first.json().data).toMatchObject({
      quota: 15,
      charge: { refunded_quota: 15 },
      balance: { quota: 975 },
    });
    const again = await refund();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await t.stores.db.charges.getBalance(user.id))?.quota).toBe(975n);
    const events = await t.stores.db.audit.list({ userId: user.id, type: 'charge.refunded', limit: 5 });
    expect(events).toHaveLength(1);

    const check = await t.app.inject({
      method: 'GET',
      url: '/api/admin/ledger/check',
      headers: adminHeaders,
    });
    expect(check.statusCode).toBe(200);
    expect(check.json().data).toEqual([]);
  });
});

describe('PATCH /api/admin/clients/:client_id charges_enabled', () => {
  it('allows the charge scope only while enabled', async () => {
    const client = await createClient(t.stores);
    const patch = (charges_enabled: boolean) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/admin/clients/${client.clientId}`,
        headers: adminHeaders,
        payload: { charges_enabled },
      });
    const on = await patch(true);
    expect(on.statusCode).toBe(200);
    expect(on.json().data).toMatchObject({
      charges_enabled: true,
      allowed_scopes: ['profile', 'balance', 'charge'],
    });
    const off = await patch(false);
    expect(off.json().data).toMatchObject({ charges_enabled: false, allowed_scopes: ['profile', 'balance'] });
  });
});
