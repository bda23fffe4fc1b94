import { metricSample } from '@gatehouse/service-kit/testing';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createClient,
  createUser,
  creditUser,
  issueAccessToken,
  unique,
  useTestApp,
} from './testing/fixtures.js';

const t = useTestApp({ env: { ISSUER: 'https://auth.example.com', QUOTA_PER_UNIT: '100' } });

const sample = (series: string) => metricSample(t.app.metrics, series);

describe('charge metrics', () => {
  it('counts charges by operation and outcome, and the money moved once per key', async () => {
    const user = await createUser(t.stores);
    const client = await createClient(t.stores);
    await creditUser(t.stores, user.id, 1000n);
    await t.stores.db.grants.upsert(user.id, client.id, ['profile', 'charge']);
    await t.stores.db.charges.setAllowance(user.id, client.id, { limit: 500n, period: 'month' });
    const { token } = await issueAccessToken(t.stores, user, client, ['charge']);
    const post = (url: string, payload: object, key = unique('key')) =>
      t.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': key }, payload });

    const key = unique('key');
    const charge = await post('/api/oauth2/charges', { quota: 120, description: 'Premium' }, key);
    expect(charge.statusCode).toBe(201);
    // A replay answers again and is counted as a call, but moves no money.
    expect((await post('/api/oauth2/charges', { quota: 120, description: 'Premium' }, key)).statusCode).toBe(
      201,
    );
    const hold = await post('/api/oauth2/charges', { quota: 50, description: 'Hold', capture: false });
    expect((await post(`/api/oauth2/charges/${hold.json().id}/capture`, { quota: 30 })).statusCode).toBe(200);
    expect((await post(`/api/oauth2/charges/${charge.json().id}/refunds`, { quota: 20 })).statusCode).toBe(
      201,
    );
    expect((await post('/api/oauth2/charges', { quota: 999, description: 'Too much' })).statusCode).toBe(403);

    expect(await sample('gatehouse_charges_total{operation="charge",outcome="succeeded"}')).toBe(2);
    expect(await sample('gatehouse_charges_total{operation="charge",outcome="allowance_exceeded"}')).toBe(1);
    expect(await sample('gatehouse_charges_total{operation="capture",outcome="succeeded"}')).toBe(1);
    expect(await sample('gatehouse_charge_quota_total{operation="charged"}')).toBe(120);
    expect(await sample('gatehouse_charge_quota_total{operation="held"}')).toBe(50);
    expect(await sample('gatehouse_charge_quota_total{operation="captured"}')).toBe(30);
    expect(await sample('gatehouse_charge_quota_total{operation="refunded"}')).toBe(20);
  });
});
