import type { Allowance, Client, MovementOutcome, User } from '@gatehouse/core';
import { periodStart } from '@gatehouse/core/charges';
import { testConfig } from '@gatehouse/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { ISSUER, seedClient, unique, useAuthorizeApp } from '../testing/harness.js';
import { csrfOf, grantAndIssue, signedInBrowser, textOf, tokensAlive } from '../testing/people.js';

// 100 quota per unit: 5.00 is 500 quota; one app may get at most 50.00 (SEC-88).
const config = testConfig({ ISSUER, QUOTA_PER_UNIT: '100', CHARGE_LIMIT_MAX: '50.00' });

const world = useAuthorizeApp({ config });

const render = (outcome: MovementOutcome) => ({ status: 201, body: { id: outcome.charge.id } });

async function chargingClient(): Promise<Client> {
  const { client } = await seedClient(world.stores);
  return (await world.stores.db.clients.update(client.id, {
    chargesEnabled: true,
    allowedScopes: ['profile', 'balance', 'charge'],
  }))!;
}

/** A signed-in user with 20.00 who granted a charging app `allowance`. */
async function setup(allowance: Allowance = { limit: 1000n, period: 'month' }) {
  const { user, browser } = await signedInBrowser(world.app, world.stores);
  const client = await chargingClient();
  await world.stores.db.ledger.apply({ userId: user.id, amount: 2000n, kind: 'credit', actor: 'test' });
  const tokens = await grantAndIssue(world.stores, user, client, ['charge', 'profile']);
  await world.stores.db.grants.upsert(user.id, client.id, ['charge', 'profile'], allowance);
  return { user, browser, client, tokens, allowance };
}

async function charge(user: User, client: Client, allowance: Allowance, amount: bigint, description: string) {
  const now = new Date();
  const result = await world.stores.db.charges.create(
    {
      id: unique('ch_'),
      userId: user.id,
      clientId: client.id,
      amount,
      capture: true,
      description,
      reference: null,
      allowance,
      periodStart: periodStart(allowance.period, now),
      holdExpiresAt: null,
      now,
    },
    { scope: `client:${client.id}:user:${user.id}`, key: unique('key'), fingerprint: 'f' },
    render,
  );
  if (result.kind !== 'created') throw new Error(`charge failed: ${result.kind}`);
  return result.outcome.charge;
}

describe('/account: spending by apps (API.md §14)', () => {
  it('shows allowance, used, remaining, next reset (UTC) and the charges newest first with refunds', async () => {
    const { user, browser, client, allowance } = await setup();
    const first = await charge(user, client, allowance, 150n, 'First feature');
    const second = await charge(user, client, allowance, 250n, 'Second feature');
    const refund = await world.stores.db.charges.refund(
      {
        chargeId: first.id,
        clientId: client.id,
        now: new Date(),
        amount: 50n,
        refundId: unique('re_'),
        reason: 'partly unused',
        actor: `client:${client.id}`,
      },
      null,
      render,
    );
    expect(refund.kind).toBe('done');

    const page = await browser.get('/account');
    expect(page.statusCode).toBe(200);
    const section = textOf(page.body, 'app-spending');
    expect(section).toContain(client.name);
    expect(section).toContain('Allowance10.00 USD per month');
    // 150 + 250 charged, 50 given back to the allowance.
    expect(section).toContain('Used this period3.50 USD');
    expect(section).toContain('Remaining6.50 USD');
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(page.body).toContain(`datetime="${reset.toISOString()}"`);
    expect(page.body.indexOf(`id="charge-${second.id}"`)).toBeLessThan(
      page.body.indexOf(`id="charge-${first.id}"`),
    );
    expect(textOf(page.body, `charge-${first.id}`)).toContain('Partly refunded');
    expect(section).toContain('Refund · partly unused');
    expect(section).toContain('+0.50 USD');
  });

  it('says a total allowance never resets, and lists no section without charge', async () => {
    const { browser } = await setup({ limit: 500n, period: 'total' });
    expect(textOf((await browser.get('/account')).body, 'app-spending')).toContain(
      'Never (a total allowance)',
    );

    const other = await signedInBrowser(world.app, world.stores);
    await grantAndIssue(world.stores, other.user, await chargingClient(), ['profile']);
    expect((await other.browser.get('/account')).body).not.toContain('id="app-spending"');
  });

  it('changes the allowance within the maximum, audited; an invalid one is refused and nothing changes', async () => {
    const { user, browser, client } = await setup();
    const action = `/account/apps/${client.clientId}/allowance`;
    const csrf = csrfOf(await browser.get('/account'), action);

    for (const fields of [
      { charge_limit: '50.01', charge_period: 'day' },
      { charge_limit: '0', charge_period: 'day' },
      { charge_limit: 'lots', charge_period: 'day' },
      { charge_limit: '5', charge_period: 'fortnight' },
    ]) {
      const refused = await browser.post(action, { _csrf: csrf, ...fields });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('Allowance not changed');
    }
    expect(await world.stores.db.charges.getAllowance(user.id, client.id)).toEqual({
      limit: 1000n,
      period: 'month',
    });

    const changed = await browser.post(action, { _csrf: csrf, charge_limit: '50.00', charge_period: 'week' });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/account?notice=allowance-changed#app-spending');
    expect(await world.stores.db.charges.getAllowance(user.id, client.id)).toEqual({
      limit: 5000n,
      period: 'week',
    });
    const [event] = await world.stores.db.audit.list({
      userId: user.id,
      type: 'allowance.changed',
      limit: 1,
    });
    expect(event).toMatchObject({
      clientId: client.clientId,
      actor: `user:${user.id}`,
      data: { from: { limit: '1000', period: 'month' }, to: { limit: '5000', period: 'week' } },
    });
  });

  it('stops spending: charge leaves the grant, its tokens are revoked, other scopes and apps stay', async () => {
    const { user, browser, client, tokens } = await setup();
    const otherApp = await chargingClient();
    const otherTokens = await grantAndIssue(world.stores, user, otherApp, ['charge']);
    const action = `/account/apps/${client.clientId}/stop-spending`;
    const response = await browser.post(action, { _csrf: csrfOf(await browser.get('/account'), action) });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account?notice=spending-stopped#app-spending');

    const grant = await world.stores.db.grants.find(user.id, client.id);
    expect(grant?.scopes).toEqual(['profile']);
    expect(grant?.allowance).toBeNull();
    expect(await world.stores.db.charges.getAllowance(user.id, client.id)).toBeNull();
    expect(await tokensAlive(world.stores, tokens)).toEqual({ access: false, refresh: false });
    expect(await tokensAlive(world.stores, otherTokens)).toEqual({ access: true, refresh: true });
    const [event] = await world.stores.db.audit.list({ userId: user.id, type: 'spending.stopped', limit: 1 });
    expect(event).toMatchObject({
      clientId: client.clientId,
      data: { allowance: { limit: '1000', period: 'month' } },
    });

    // Nothing left to stop or change.
    const csrf = csrfOf(await browser.get('/account'), `/account/apps/${otherApp.clientId}/stop-spending`);
    expect((await browser.post(action, { _csrf: csrf })).statusCode).toBe(404);
    expect(
      (
        await browser.post(`/account/apps/${client.clientId}/allowance`, {
          _csrf: csrf,
          charge_limit: '5',
          charge_period: 'day',
        })
      ).statusCode,
    ).toBe(404);
  });

  it("refuses another user's app, an unknown app and a missing CSRF token", async () => {
    const { browser, client } = await setup();
    const stranger = await signedInBrowser(world.app, world.stores);
    const strangerCsrf = await stranger.browser.sessionCsrf();
    const action = `/account/apps/${client.clientId}/stop-spending`;
    expect((await stranger.browser.post(action, { _csrf: strangerCsrf })).statusCode).toBe(404);
    expect(
      (await stranger.browser.post('/account/apps/gh_nope/stop-spending', { _csrf: strangerCsrf }))
        .statusCode,
    ).toBe(404);
    expect((await browser.post(action, {})).statusCode).toBe(403);
    expect(
      (
        await browser.post(`/account/apps/${client.clientId}/allowance`, {
          charge_limit: '5',
          charge_period: 'day',
        })
      ).statusCode,
    ).toBe(403);
  });
});
