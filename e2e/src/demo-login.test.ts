/**
 * Logging in to the demo third-party app with Gatehouse, in a real Chromium: the first
 * one-click login (consent), the second (no consent), a declined consent, and the popup
 * variant. Every scenario gets a fresh browser context and its own user.
 */
import { describe, expect, it } from 'vitest';
import {
  demoView,
  expectCleanPages,
  expectDemoConsent,
  expectDemoSignedIn,
  firstLogin,
  later,
  openDemo,
  signInAtProvider,
  text,
  waitForPath,
} from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

describe.skipIf(SKIP_BROWSER)('logging in to the demo app with Gatehouse (Chromium)', () => {
  const suite = useSuite();
  const open = suite.open;

  it('first one-click login: provider login → consent naming the app and scopes → approve → the demo app shows the user and balance', async () => {
    const s = await open('first-login');
    const user = await suite.world.seedUser('alice');
    const page = await s.newPage();

    const from = s.navigations.length;
    await firstLogin(s, page, user);

    // The way there: demo start → provider authorize → login → authorize (consent, 200) → demo callback → demo page.
    const hops = s.navigationsSince(from).map(({ url, status }) => `${status} ${new URL(url).pathname}`);
    expect(hops).toEqual([
      '200 /',
      '302 /auth/oauth/start',
      '302 /api/oauth2/authorize',
      '200 /login',
      '303 /login',
      '200 /api/oauth2/authorize',
      '303 /api/oauth2/authorize',
      '302 /oauth/callback',
      '200 /',
    ]);
    // The code was exchanged by the demo app's server, with its secret, never by the page.
    expect(
      suite.world.providerCalls.some((c) => c.grantType === 'authorization_code' && c.status === 200),
    ).toBe(true);
    expectCleanPages(s);
  });

  it('second login after the demo app’s log out: no login form, no consent page — straight back signed in', async () => {
    const s = await open('second-login');
    const user = await suite.world.seedUser('bob');
    const page = await s.newPage();
    await firstLogin(s, page, user);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#signed-out').waitFor();
    expect(await text(page, '#notice-text')).toBe('You are logged out.');
    await s.shot(page, 'demo-logged-out');
    // Logged out for real: the app's server no longer holds a login for this browser.
    expect(await page.evaluate(async () => (await fetch('/api/user/info')).status)).toBe(401);

    const from = s.navigations.length;
    await page.getByRole('button', { name: 'One-click login' }).click();
    await waitForPath(page, suite.world.demo, '/');
    await expectDemoSignedIn(page, user, '750.00');
    await s.shot(page, 'demo-signed-in-again');

    const hops = s.navigationsSince(from).map(({ url, status }) => `${status} ${new URL(url).pathname}`);
    expect(hops).toEqual([
      '302 /auth/oauth/start',
      '302 /api/oauth2/authorize', // a code at once: no /login, no consent page (a 200 here)
      '302 /oauth/callback',
      '200 /',
    ]);
    expectCleanPages(s);
  });

  it('deny: a user who cancels the consent lands on the demo app with a clear "declined" message and is not signed in', async () => {
    const s = await open('deny');
    const user = await suite.world.seedUser('carol');
    const page = await s.newPage();

    expect(await openDemo(s, page)).toBe('signed-out');
    await page.getByRole('button', { name: 'One-click login' }).click();
    await signInAtProvider(s, page, user, 'provider-login');
    await expectDemoConsent(s, page, user);
    await s.shot(page, 'provider-consent');

    const back = later(
      page.waitForRequest(
        (request) => request.isNavigationRequest() && request.url().startsWith(`${suite.world.demo}/?`),
      ),
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(new URL((await back).url()).searchParams.get('error')).toBe('access_denied');
    await waitForPath(page, suite.world.demo, '/');

    expect(await demoView(page)).toBe('signed-out');
    await page.locator('#notice').waitFor();
    expect(await text(page, '#notice-text')).toBe(
      'You declined the login. No problem — nothing was shared with this app.',
    );
    expect(await page.locator('#notice').getAttribute('class')).toContain('error');
    expect(await page.locator('#signed-in').isVisible()).toBe(false);
    await s.shot(page, 'demo-access-denied');

    // Not signed in on the server either, and no code was ever exchanged for this user.
    expect(await page.evaluate(async () => (await fetch('/api/user/info')).status)).toBe(401);
    const grants = await suite.world.stack.stores.db.grants.listByUser(user.id);
    expect(grants).toEqual([]);
    expectCleanPages(s);
  });

  it('popup login: the popup keeps window.opener through the provider’s pages, reports back by postMessage, and the main page shows the user', async () => {
    const s = await open('popup-login');
    const user = await suite.world.seedUser('grace');
    const page = await s.newPage();

    expect(await openDemo(s, page)).toBe('signed-out');
    // Record what the opener receives: only window.opener.postMessage lands here (the SDK's
    // BroadcastChannel fallback does not fire window "message" events).
    await page.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { __messages: unknown[] }).__messages = seen;
      window.addEventListener('message', (event) => seen.push({ origin: event.origin, data: event.data }));
    });
    await s.shot(page, 'demo-signed-out');

    const opened = later(page.waitForEvent('popup'));
    await page.getByRole('button', { name: 'or log in in a popup window' }).click();
    const popup = await opened;
    // The popup's whole life (sign-in, consent, callback) can take longer than one step's
    // default timeout on a busy machine: bounded by the test's own timeout instead.
    const closed = later(popup.waitForEvent('close', { timeout: 0 }));

    await waitForPath(popup, suite.world.provider, '/login');
    expect(await popup.evaluate(() => window.opener !== null)).toBe(true);
    await signInAtProvider(s, popup, user, 'popup-provider-login');
    await expectDemoConsent(s, popup, user);
    expect(await popup.evaluate(() => window.opener !== null)).toBe(true);
    await s.shot(popup, 'popup-provider-consent');
    await popup.getByRole('button', { name: 'Allow access' }).click();

    await closed; // /oauth/callback.html reported back and closed the popup
    // Then the page asks its server who is signed in. Wait for the page to settle either
    // way (signed in, or a notice saying why not) rather than for a fixed time, so a slow
    // machine only makes this slower and a failed login fails here with its reason.
    await page.waitForFunction(
      () => !document.getElementById('signed-in')?.hidden || !document.getElementById('notice')?.hidden,
      undefined,
      { timeout: 0 },
    );
    expect((await page.locator('#notice').isVisible()) ? await text(page, '#notice-text') : null).toBeNull();
    await expectDemoSignedIn(page, user, '750.00');
    await s.shot(page, 'demo-signed-in');
    const messages = await page.evaluate(() => (window as unknown as { __messages: unknown[] }).__messages);
    expect(messages).toEqual([{ origin: suite.world.demo, data: { type: 'gatehouse:login', ok: true } }]);
    // The popup went the server-side way: the demo app's popup start, Gatehouse, the
    // demo app's callback, and its callback page (which posted the message and closed).
    const popupHops = s.navigations.map(({ url, status }) => `${status} ${new URL(url).pathname}`);
    expect(popupHops).toEqual(
      expect.arrayContaining([
        '302 /auth/oauth/start',
        '200 /login',
        '200 /api/oauth2/authorize',
        '302 /oauth/callback',
        '200 /oauth/callback.html',
      ]),
    );
    expect(s.navigations.some(({ url }) => url.endsWith('/auth/oauth/start?popup=1'))).toBe(true);
    expect(
      s.navigations.some(({ url }) =>
        url.startsWith(`${suite.world.demo}/oauth/callback.html?login=success`),
      ),
    ).toBe(true);
    expectCleanPages(s);
  });
});
