import type { User } from '@gatehouse/core';
import { testConfig } from '@gatehouse/service-kit/testing';
import { describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  hiddenField,
  ISSUER,
  locationQuery,
  type SeededClient,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';

// 100 quota per unit, so 5.00 is 500 quota; one app may get at most 50.00 (SEC-88).
const config = testConfig({ ISSUER, QUOTA_PER_UNIT: '100', CHARGE_LIMIT_MAX: '50.00' });

const world = useAuthorizeApp({ config });

/** An app an administrator enabled for charges. */
async function chargingClient(options: { trusted?: boolean } = {}): Promise<SeededClient> {
  const seeded = await seedClient(world.stores, options);
  const client = await world.stores.db.clients.update(seeded.client.id, {
    chargesEnabled: true,
    allowedScopes: ['profile', 'balance', 'charge'],
  });
  return { ...seeded, client: client! };
}

async function signedIn(): Promise<{ browser: Browser; user: User }> {
  const user = await seedUser(world.stores);
  const browser = new Browser(world.app);
  expect((await browser.login(user.username)).statusCode).toBe(303);
  return { browser, user };
}

function chargeParams(seeded: SeededClient, extra: Record<string, string> = {}) {
  return authorizeParams(seeded, { scope: 'profile charge', ...extra });
}

async function consent(browser: Browser, params: Record<string, string>) {
  const page = await browser.get(authorizePath(params));
  expect(page.statusCode, page.body).toBe(200);
  expect(page.body).toContain('Allow access');
  const form = { request_id: hiddenField(page.body, 'request_id'), _csrf: hiddenField(page.body, '_csrf') };
  return { page, form };
}

function post(browser: Browser, form: Record<string, string | undefined>) {
  return browser.post('/api/oauth2/authorize', form);
}

function inputValue(html: string, name: string): string | null {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  if (!tag) return null;
  return /value="([^"]*)"/.exec(tag)?.[1] ?? '';
}

function selectedPeriod(html: string): string | null {
  return /<option value="(\w+)" selected>/.exec(html)?.[1] ?? null;
}

describe('authorization request: charge_limit and charge_period (SEC-85)', () => {
  it('prefills the consent form with the suggestion, in money, with its period and the maximum', async () => {
    const seeded = await chargingClient();
    const { browser } = await signedIn();
    const { page } = await consent(
      browser,
      chargeParams(seeded, { charge_limit: '5', charge_period: 'week' }),
    );
    expect(inputValue(page.body, 'charge_limit')).toBe('5.00');
    expect(selectedPeriod(page.body)).toBe('week');
    expect(page.body).toContain('at most 50.00');
    expect(page.body).toContain('Spend from your balance, up to the limit you set');
    expect(page.body).toMatch(/name="charge_limit"[^>]*required/);
    // Cancel must work without an allowance: the browser does not validate the form for it.
    expect(page.body).toMatch(/value="deny"[^>]*formnovalidate/);
  });

  it('caps a suggestion above the platform maximum; without one the field is empty and the period is month', async () => {
    const seeded = await chargingClient();
    const { browser } = await signedIn();
    const capped = await consent(browser, chargeParams(seeded, { charge_limit: '1000.00' }));
    expect(inputValue(capped.page.body, 'charge_limit')).toBe('50.00');
    const empty = await consent(browser, chargeParams(seeded));
    expect(inputValue(empty.page.body, 'charge_limit')).toBe('');
    expect(selectedPeriod(empty.page.body)).toBe('month');
  });

  it('shows no allowance form without the charge scope', async () => {
    const seeded = await chargingClient();
    const { browser } = await signedIn();
    const { page } = await consent(browser, authorizeParams(seeded));
    expect(inputValue(page.body, 'charge_limit')).toBeNull();
  });

  it.each([
    ['a malformed limit', { charge_limit: '5,00' }],
    ['three decimals', { charge_limit: '1.005' }],
    ['zero', { charge_limit: '0.00' }],
    ['an unknown period', { charge_period: 'year' }],
  ])('redirects %s as invalid_request with state and iss', async (_name, extra) => {
    const seeded = await chargingClient();
    const { browser } = await signedIn();
    const params = chargeParams(seeded, extra);
    const response = await browser.get(authorizePath(params));
    expect(response.statusCode).toBe(302);
    expect(locationQuery(response)).toMatchObject({
      error: 'invalid_request',
      state: params.state,
      iss: ISSUER,
    });
  });

  it('redirects a suggestion without the charge scope as invalid_request', async () => {
    const seeded = await chargingClient();
    const { browser } = await signedIn();
    const response = await browser.get(authorizePath(authorizeParams(seeded, { charge_limit: '5.00' })));
    expect(locationQuery(response).error).toBe('invalid_request');
  });
});

describe('consent form: the chosen allowance is stored with the grant (SEC-85, SEC-88)', () => {
  it('stores the allowance the user typed (not the suggestion) with the consent, and audits it', async () => {
    const seeded = await chargingClient();
    const { browser, user } = await signedIn();
    const { form } = await consent(
      browser,
      chargeParams(seeded, { charge_limit: '5.00', charge_period: 'week' }),
    );
    const response = await post(browser, {
      ...form,
      decision: 'approve',
      charge_limit: '7.50',
      charge_period: 'day',
    });
    expect(response.statusCode).toBe(303);
    expect(locationQuery(response).code).toBeTruthy();
    const grant = await world.stores.db.grants.find(user.id, seeded.client.id);
    expect(grant?.scopes).toContain('charge');
    expect(grant?.allowance).toEqual({ limit: 750n, period: 'day' });
    expect(await world.stores.db.charges.getAllowance(user.id, seeded.client.id)).toEqual({
      limit: 750n,
      period: 'day',
    });
    const events = await world.stores.db.audit.list({ userId: user.id, type: 'consent.granted', limit: 5 });
    expect(events[0]?.data).toMatchObject({ allowance: { limit: '750', period: 'day' } });
  });

  it.each([
    ['missing', { charge_period: 'month' }],
    ['empty', { charge_limit: '', charge_period: 'month' }],
    ['malformed', { charge_limit: 'ten', charge_period: 'month' }],
    ['zero', { charge_limit: '0', charge_period: 'month' }],
    ['above the maximum', { charge_limit: '50.01', charge_period: 'month' }],
    ['with an unknown period', { charge_limit: '5.00', charge_period: 'year' }],
  ])('refuses an allowance %s with a page, keeping the request answerable', async (_name, fields) => {
    const seeded = await chargingClient();
    const { browser, user } = await signedIn();
    const { form } = await consent(browser, chargeParams(seeded));
    const refused = await post(browser, { ...form, decision: 'approve', ...fields });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers.location).toBeUndefined();
    expect(refused.body).toContain('Choose a spending allowance');
    expect(await world.stores.db.grants.find(user.id, seeded.client.id)).toBeNull();
    // Back on the page, a valid allowance still completes the same request.
    const ok = await post(browser, {
      ...form,
      decision: 'approve',
      charge_limit: '50.00',
      charge_period: 'total',
    });
    expect(ok.statusCode).toBe(303);
    expect((await world.stores.db.grants.find(user.id, seeded.client.id))?.allowance).toEqual({
      limit: 5000n,
      period: 'total',
    });
  });

  it('lets the user deny without an allowance', async () => {
    const seeded = await chargingClient();
    const { browser, user } = await signedIn();
    const { form } = await consent(browser, chargeParams(seeded));
    const denied = await post(browser, { ...form, decision: 'deny' });
    expect(denied.statusCode).toBe(303);
    expect(locationQuery(denied).error).toBe('access_denied');
    expect(await world.stores.db.grants.find(user.id, seeded.client.id)).toBeNull();
  });

  it('refuses the form without the CSRF token, and the request stays answerable', async () => {
    const seeded = await chargingClient();
    const { browser } = await signedIn();
    const { form } = await consent(browser, chargeParams(seeded));
    const fields = {
      request_id: form.request_id,
      decision: 'approve',
      charge_limit: '5',
      charge_period: 'day',
    };
    expect((await post(browser, fields)).statusCode).toBe(403);
    expect((await post(browser, { ...fields, _csrf: 'x'.repeat(43) })).statusCode).toBe(403);
    expect((await post(browser, { ...fields, _csrf: form._csrf })).statusCode).toBe(303);
  });
});

describe('consent decision with charge: an allowance is never skipped (SEC-85)', () => {
  it('shows the page to a trusted client asking auto_authorize the first time charge is asked', async () => {
    const seeded = await chargingClient({ trusted: true });
    const { browser, user } = await signedIn();
    const params = chargeParams(seeded, { auto_authorize: 'true', charge_limit: '2.00' });
    const { page, form } = await consent(browser, params);
    expect(inputValue(page.body, 'charge_limit')).toBe('2.00');
    await post(browser, { ...form, decision: 'approve', charge_limit: '2.00', charge_period: 'month' });
    // Now the allowance exists: one-click sign-in skips the page.
    const again = await browser.get(authorizePath(chargeParams(seeded, { auto_authorize: 'true' })));
    expect(again.statusCode).toBe(302);
    expect(locationQuery(again).code).toBeTruthy();
    expect((await world.stores.db.grants.find(user.id, seeded.client.id))?.allowance?.limit).toBe(200n);
  });

  it('shows the page when a trusted client widens an existing grant to charge', async () => {
    const seeded = await chargingClient({ trusted: true });
    const { browser, user } = await signedIn();
    await world.stores.db.grants.upsert(user.id, seeded.client.id, ['profile']);
    const page = await browser.get(authorizePath(chargeParams(seeded, { auto_authorize: 'true' })));
    expect(page.statusCode).toBe(200);
    expect(inputValue(page.body, 'charge_limit')).toBe('');
  });

  it('asks a remembered grant that has charge but no allowance; prompt=none gets consent_required', async () => {
    const seeded = await chargingClient();
    const { browser, user } = await signedIn();
    await world.stores.db.grants.upsert(user.id, seeded.client.id, ['charge', 'profile']);
    const { page } = await consent(browser, chargeParams(seeded));
    expect(page.body).toContain('before it may spend from your balance, choose how much');
    expect(inputValue(page.body, 'charge_limit')).toBe('');
    const none = await browser.get(authorizePath(chargeParams(seeded, { prompt: 'none' })));
    expect(locationQuery(none).error).toBe('consent_required');
  });

  it('never changes a stored allowance: a higher suggestion skips as granted, prompt=consent shows it read-only', async () => {
    const seeded = await chargingClient();
    const { browser, user } = await signedIn();
    const first = await consent(browser, chargeParams(seeded, { charge_limit: '3.00' }));
    await post(browser, { ...first.form, decision: 'approve', charge_limit: '3.00', charge_period: 'week' });

    const higher = await browser.get(authorizePath(chargeParams(seeded, { charge_limit: '40.00' })));
    expect(higher.statusCode).toBe(302);
    expect(locationQuery(higher).code).toBeTruthy();

    const again = await consent(browser, chargeParams(seeded, { charge_limit: '40.00', prompt: 'consent' }));
    expect(inputValue(again.page.body, 'charge_limit')).toBeNull();
    expect(again.page.body).toContain('3.00 USD per week');
    // A crafted field on the form does not change it either.
    const posted = await post(browser, {
      ...again.form,
      decision: 'approve',
      charge_limit: '40.00',
      charge_period: 'day',
    });
    expect(posted.statusCode).toBe(303);
    expect((await world.stores.db.grants.find(user.id, seeded.client.id))?.allowance).toEqual({
      limit: 300n,
      period: 'week',
    });
  });
});
