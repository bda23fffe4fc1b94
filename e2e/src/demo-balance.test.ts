/**
 * The signed-in demo app and the user's Gatehouse account, in a real Chromium: topping up
 * at Gatehouse and coming back, and revoking the app from Gatehouse's account page.
 */
import { describe, expect, it } from 'vitest';
import { expectCleanPages, expectDemoSignedIn, firstLogin, later, text, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

describe.skipIf(SKIP_BROWSER)('the signed-in demo app and the Gatehouse account (Chromium)', () => {
  const suite = useSuite();
  const open = suite.open;

  it('top-up: "Top up" → the provider’s page naming the app → redeem a code → new balance → "Back to Demo App" → the demo app shows it', async () => {
    const s = await open('topup');
    const user = await suite.world.seedUser('dave');
    const code = await suite.world.seedTopupCode(50_000_000n); // 100.00 USD
    const page = await s.newPage();
    await firstLogin(s, page, user);

    // The button's "+" is drawn (an inline SVG), not a glyph the default fonts lack.
    const topup = page.getByRole('button', { name: 'Top up' });
    expect(await text(page, '#topup')).toBe('Top up');
    expect(await topup.locator('svg.btn-icon').boundingBox()).toMatchObject({ width: 14, height: 14 });
    await topup.click();
    await waitForPath(page, suite.world.provider, '/topup');
    const link = new URL(page.url());
    expect(link.searchParams.get('client_id')).toBe(suite.world.client.clientId);
    expect(link.searchParams.get('return_uri')).toBe(`${suite.world.demo}/`);
    expect(await text(page, 'h1')).toBe('Top up your balance');
    expect(await text(page, '.consent-head')).toContain('for Demo App');
    expect(await text(page, 'p.lead')).toBe('Demo App sent you here to add funds to your Gatehouse balance.');
    expect(await text(page, 'dl.facts')).toBe('Current balance 750.00 USD');
    // Going back without topping up does not tell the app that a top-up happened.
    const cancel = page.getByRole('link', { name: 'Go back to Demo App' });
    expect(await cancel.getAttribute('href')).toBe(`${suite.world.demo}/`);
    await s.shot(page, 'provider-topup');

    // A mistyped code: an error on the same page, the code kept as typed, nothing credited.
    const typo = `${code.slice(0, -4)}AAAA`;
    await page.getByLabel('Top-up code').fill(typo);
    await page.getByRole('button', { name: 'Redeem code' }).click();
    await page.locator('#code-error').waitFor();
    expect(await page.getByLabel('Top-up code').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Top-up code').inputValue()).toBe(typo);
    expect(await text(page, 'dl.facts')).toBe('Current balance 750.00 USD');
    await s.shot(page, 'provider-topup-wrong-code');

    await page.getByLabel('Top-up code').fill(code);
    const from = s.navigations.length;
    await page.getByRole('button', { name: 'Redeem code' }).click();
    await page.getByRole('heading', { name: 'Top-up complete' }).waitFor();
    expect(await text(page, 'p.note')).toBe('100.00 USD was added to your balance.');
    expect(await text(page, 'dl.facts')).toBe('Added 100.00 USD New balance 850.00 USD');
    expect(await text(page, 'main')).toContain(`You will return to ${new URL(suite.world.demo).host}.`);
    await s.shot(page, 'provider-topup-success');
    // POST-redirect-GET: the result has its own address (without the code) and reloads as is.
    const hops = s.navigationsSince(from).map(({ url, status }) => `${status} ${new URL(url).pathname}`);
    expect(hops).toEqual(['303 /topup', '200 /topup/done']);
    expect(page.url()).not.toContain(code);
    await page.reload();
    await page.getByRole('heading', { name: 'Top-up complete' }).waitFor();
    expect(await text(page, 'dl.facts')).toBe('Added 100.00 USD New balance 850.00 USD');

    const back = later(
      page.waitForRequest(
        (request) => request.isNavigationRequest() && request.url().startsWith(`${suite.world.demo}/`),
      ),
    );
    // A link styled as a button (or a button): whichever the page uses, the user clicks it.
    const backControl = page
      .getByRole('link', { name: 'Back to Demo App' })
      .or(page.getByRole('button', { name: 'Back to Demo App' }));
    await backControl.click();
    const returned = new URL((await back).url());
    expect(returned.pathname).toBe('/');
    expect([...returned.searchParams]).toEqual([['topup', 'success']]);

    await expectDemoSignedIn(page, user, '850.00');
    expect(await text(page, '#notice-text')).toBe(
      'Welcome back! Your balance below is fresh from Gatehouse.',
    );
    await s.shot(page, 'demo-back-after-topup');

    const refreshed = later(
      page.waitForResponse((response) => response.url() === `${suite.world.demo}/api/balance/refresh`),
    );
    await page.getByRole('button', { name: 'Refresh balance' }).click();
    expect((await refreshed).status()).toBe(200);
    expect(await text(page, '#balance-amount')).toBe('850.00');
    await s.shot(page, 'demo-balance-refreshed');

    // Credited exactly once: 750.00 + 100.00 USD.
    const ledger = await suite.world.stack.stores.db.ledger.getBalance(user.id);
    expect(ledger?.quota).toBe(425_000_000n);
    expectCleanPages(s);
  });

  it('connected-app revoke: revoking the demo app on /account logs it out at its next call (its refresh fails too)', async () => {
    const s = await open('revoke');
    const user = await suite.world.seedUser('frank');
    const page = await s.newPage();
    await firstLogin(s, page, user);

    // Another tab, same browser: the provider's account page.
    const account = await s.newPage();
    await account.goto(`${suite.world.provider}/account`);
    await account.getByRole('heading', { name: 'Connected apps' }).waitFor();
    const apps = account.locator('#connected-apps li.app-item');
    expect(await apps.count()).toBe(1);
    expect(await text(account, '#connected-apps .app-name')).toContain('Demo App');
    expect(await account.locator('#connected-apps ul.scope-words li').allTextContents()).toEqual([
      'Sign you in with your account (your account number)',
      'See your username, email address and when you joined',
      'See your email address',
      'See your account balance and spending',
    ]);
    await s.shot(account, 'provider-account');

    await account.getByRole('button', { name: 'Revoke access for Demo App' }).click();
    await waitForPath(account, suite.world.provider, '/account');
    await account.getByText('Access revoked.').waitFor();
    expect(await apps.count()).toBe(0);
    expect(await text(account, '#connected-apps')).toContain(
      'You have not allowed any app to use your account.',
    );
    await s.shot(account, 'provider-account-revoked');

    // Back in the demo app, which still shows the user from before.
    await page.bringToFront();
    expect(await page.locator('#signed-in').isVisible()).toBe(true);
    const callsBefore = suite.world.providerCalls.length;
    const answer = later(
      page.waitForResponse((response) => response.url() === `${suite.world.demo}/api/balance/refresh`),
    );
    await page.getByRole('button', { name: 'Refresh balance' }).click();
    const refreshed = await answer;
    expect(refreshed.status()).toBe(401);
    expect(await refreshed.json()).toMatchObject({ error: 'login_required' });
    await page.locator('#signed-out').waitFor({ state: 'visible' });
    expect(await page.locator('#signed-in').isVisible()).toBe(false);
    await s.shot(page, 'demo-logged-out-after-revoke');

    // What the demo app's server saw: the access token refused, then the refresh refused
    // (invalid_grant → LoginRequired), and no third try.
    const calls = suite.world.providerCalls.slice(callsBefore);
    expect(
      calls.map((c) => `${c.path} ${c.grantType ?? ''} ${c.status} ${c.error ?? ''}`.replace(/ +/g, ' ')),
    ).toEqual([
      '/api/oauth2/userinfo 401 invalid_token',
      '/api/oauth2/token refresh_token 400 invalid_grant',
    ]);

    // And it stays logged out on a fresh load.
    await page.reload();
    await page.locator('#signed-out').waitFor({ state: 'visible' });
    expectCleanPages(s);
  });
});
