/**
 * Pages a newcomer stumbles on, in a real Chromium: a mistyped address on Gatehouse and on
 * the demo app is a readable 404 page in each one's style, under the same CSP as the rest.
 */
import { describe, expect, it } from 'vitest';
import { expectCleanPages, text } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

describe.skipIf(SKIP_BROWSER)('unknown addresses (Chromium)', () => {
  const suite = useSuite();
  const open = suite.open;

  it('a mistyped address: a 404 page with the layout and a way back, on Gatehouse and on the demo app', async () => {
    const s = await open('not-found');
    const page = await s.newPage();

    const provider = await page.goto(`${suite.world.provider}/acount`);
    expect(provider?.status()).toBe(404);
    expect(await page.title()).toBe('Page not found · Gatehouse');
    expect(await text(page, 'h1')).toBe('Page not found');
    // The stylesheet applied (the layout's card), not a bare document.
    expect(await page.locator('main.card').evaluate((el) => getComputedStyle(el).borderRadius)).not.toBe(
      '0px',
    );
    await s.shot(page, 'provider-not-found');
    await page.getByRole('link', { name: 'Go to Gatehouse' }).click();
    await page.waitForURL((url) => url.pathname === '/login');

    const demo = await page.goto(`${suite.world.demo}/settings`);
    expect(demo?.status()).toBe(404);
    expect(await page.title()).toBe('Page not found · Demo App');
    expect(await page.locator('main .card').evaluate((el) => getComputedStyle(el).borderRadius)).not.toBe(
      '0px',
    );
    await s.shot(page, 'demo-not-found');
    await page.getByRole('link', { name: 'Go to the demo app' }).click();
    await page.locator('#signed-out').waitFor();

    // What a page's own script gets for an unknown API path: JSON, not a page.
    const api = await page.evaluate(async () => {
      const response = await fetch('/api/nothing');
      return { status: response.status, body: await response.json() };
    });
    expect(api).toEqual({
      status: 404,
      body: { error: 'not_found', error_description: 'there is no GET /api/nothing endpoint' },
    });
    expectCleanPages(s);
  });
});
