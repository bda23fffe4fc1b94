import { randomToken, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import {
  authorizeAsUser,
  HttpBrowser,
  type RunningStack,
  readInputs,
  startTestStack,
} from '@gatehouse/stack/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoApp, loadConfig } from './app.js';

const APP_URL = 'http://localhost:3001';

function cookieOf(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const line = (Array.isArray(header) ? header : [header]).find((value) =>
    value?.startsWith('demo_session='),
  );
  if (!line) throw new Error('no session cookie');
  return line.split(';')[0]!;
}

/**
 * The demo app end to end against the real Gatehouse stack: the user clicks "One-click
 * login", signs in at Gatehouse (following its redirects), Gatehouse redirects to the
 * demo app's callback, and the page's /api/user/info shows the user and balance.
 */
describe('the demo app against the running stack', () => {
  let stack: RunningStack;
  let app: FastifyInstance;
  const user = { username: 'demo-e2e', password: 'demo e2e password 1' };
  const clientId = 'gh_demo_e2e';
  const clientSecret = 'gth_cs_demo-e2e-secret-0123456789abcdefghijklmn';

  beforeAll(async () => {
    stack = await startTestStack();
    const created = await stack.stores.db.users.create({
      username: user.username,
      email: 'demo-e2e@example.com',
      passwordHash: await hashPassword(user.password),
    });
    await stack.stores.db.ledger.apply({
      userId: created.id,
      amount: 375_000_000n,
      kind: 'credit',
      idempotencyKey: 'demo-e2e',
      actor: 'test',
    });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'Demo App',
      redirectUris: [`${APP_URL}/oauth/callback`],
      allowedScopes: ['profile', 'balance'],
    });
    const config = loadConfig({
      GATEHOUSE_ISSUER: stack.origin,
      DEMO_CLIENT_ID: clientId,
      DEMO_CLIENT_SECRET: clientSecret,
      DEMO_APP_URL: APP_URL,
    });
    app = await buildDemoApp({ config });
  });

  afterAll(async () => {
    await app?.close();
    await stack?.close();
  });

  it('one-click login → Gatehouse → callback → user info with balance → top-up link → logout', async () => {
    const start = await app.inject({ url: '/auth/oauth/start' });
    expect(start.statusCode).toBe(302);
    const authorizationUrl = start.headers.location as string;
    expect(authorizationUrl.startsWith(`${stack.origin}/api/oauth2/authorize?`)).toBe(true);

    const browser = new HttpBrowser(stack.origin);
    const { callback, consentShown } = await authorizeAsUser(browser, authorizationUrl, user);
    expect(consentShown).toBe(true); // first time, untrusted app
    expect(`${callback.origin}${callback.pathname}`).toBe(`${APP_URL}/oauth/callback`);

    const landed = await app.inject({
      url: `${callback.pathname}${callback.search}`,
      headers: { cookie: cookieOf(start) },
    });
    expect(landed.statusCode).toBe(302);
    expect(landed.headers.location).toBe('/');
    const cookie = cookieOf(landed);

    const info = await app.inject({ url: '/api/user/info', headers: { cookie } });
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({
      username: user.username,
      email: 'demo-e2e@example.com',
      balance_formatted: '750.00',
      balance: { amount: '750.00', currency: 'USD' },
    });

    const refreshed = await app.inject({ method: 'POST', url: '/api/balance/refresh', headers: { cookie } });
    expect(refreshed.json().balance).toMatchObject({ amount: '750.00', formatted: '750.00 USD' });

    const topup = await app.inject({ url: '/api/topup', headers: { cookie } });
    expect(topup.statusCode).toBe(200);
    const link = new URL(topup.json().topup_url);
    expect(`${link.origin}${link.pathname}`).toBe(`${stack.origin}/topup`);
    expect(link.searchParams.get('return_uri')).toBe(`${APP_URL}/`);

    // A second login needs no consent any more (one click).
    const again = await app.inject({ url: '/auth/oauth/start', headers: { cookie } });
    expect((await authorizeAsUser(browser, again.headers.location as string, user)).consentShown).toBe(false);

    const logout = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, origin: APP_URL },
    });
    expect(logout.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/user/info', headers: { cookie } })).statusCode).toBe(401);
  });
  it('top up: the provider’s page redeems a code, offers the way back, and the demo app shows the new balance', async () => {
    const code = randomToken(TOKEN_PREFIX.topupCode);
    await stack.stores.db.topupCodes.createBatch({
      batchId: 'demo-e2e',
      quota: 50_000_000n, // 100.00 USD
      expiresAt: null,
      codeHashes: [sha256Hex(code)],
      createdBy: 'test',
    });
    const start = await app.inject({ url: '/auth/oauth/start' });
    const browser = new HttpBrowser(stack.origin);
    const { callback } = await authorizeAsUser(browser, start.headers.location as string, user);
    const landed = await app.inject({
      url: `${callback.pathname}${callback.search}`,
      headers: { cookie: cookieOf(start) },
    });
    const cookie = cookieOf(landed);
    const before = (await app.inject({ url: '/api/user/info', headers: { cookie } })).json();

    const link = new URL((await app.inject({ url: '/api/topup', headers: { cookie } })).json().topup_url);
    const page = await browser.request(`${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    const fields = readInputs(await page.text());
    let answer = await browser.request(`${link.pathname}${link.search}`, { form: { ...fields, code } });
    const location = answer.headers.get('location');
    if (
      answer.status >= 300 &&
      answer.status < 400 &&
      location &&
      new URL(location, stack.origin).origin === stack.origin
    ) {
      answer = await browser.request(location);
    }
    const html = location && !location.startsWith('/') ? location : await answer.text();
    expect(html).toContain(`href="${APP_URL}/?topup=success"`);

    const after = (await app.inject({ url: '/api/user/info', headers: { cookie } })).json();
    expect(after.quota - before.quota).toBe(50_000_000);
    expect(after.balance.amount).toBe('850.00');
  });
});
