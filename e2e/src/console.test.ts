/**
 * The developer console in a real Chromium: a signed-in user registers an app and sees its
 * client id and one-time secret; afterwards the console never shows that secret again.
 */
import { sha256Hex } from '@gatehouse/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectCleanPages, signInAtProvider, text, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

/**
 * The id of the focused element, once it is `expected` or after 5 s. Chromium applies
 * `autofocus` at its next rendering step, after the element is already in the DOM.
 */
async function focusedField(page: Page, expected: string): Promise<string | undefined> {
  await page
    .waitForFunction((id) => document.activeElement?.id === id, expected, { timeout: 5_000 })
    .catch(() => undefined);
  return page.evaluate(() => document.activeElement?.id);
}

describe.skipIf(SKIP_BROWSER)('the developer console (Chromium)', () => {
  const suite = useSuite();
  const open = suite.open;

  it('registers an app: client_id and the one-time secret are shown once, never again on the console', async () => {
    const s = await open('console');
    const user = await suite.world.seedUser('erin', 0n);
    const page = await s.newPage();

    await page.goto(`${suite.world.provider}/console`);
    await signInAtProvider(s, page, user, 'provider-login');
    await waitForPath(page, suite.world.provider, '/console');
    expect(await text(page, 'h1')).toBe('Developer console');
    expect(await text(page, '.empty-state')).toContain('You have not registered any app yet.');
    await s.shot(page, 'console-empty');

    await page.getByRole('link', { name: 'Register your first app' }).click();
    await waitForPath(page, suite.world.provider, '/console/apps/new');
    await page.getByLabel('Name').fill('Weather Widget');
    await page.getByLabel('Description').fill('Shows the weather next to your balance.');
    await page.getByLabel('Redirect URIs').fill('http://localhost:5055/callback');
    await s.shot(page, 'console-new-app-form');
    await page.getByRole('button', { name: 'Register app' }).click();

    await page.getByRole('heading', { name: 'Weather Widget' }).waitFor();
    expect(await text(page, '.secret-box')).toContain('Your app is registered.');
    const secret = await text(page, '#client-secret');
    expect(secret).toMatch(/^gth_cs_[A-Za-z0-9_-]{43}$/);
    const clientId = await text(page, 'dl.facts code.copyable');
    expect(clientId).toMatch(/^gh_[A-Za-z0-9_-]+$/);
    await s.shot(page, 'console-app-created');

    // What the page showed is what was registered: this user's app, this secret.
    const stored = await suite.world.stack.stores.db.clients.findByClientId(clientId);
    expect(stored).toMatchObject({
      name: 'Weather Widget',
      ownerUserId: user.id,
      redirectUris: ['http://localhost:5055/callback'],
      secretHash: sha256Hex(secret),
    });

    // The console list: the app with its client id, and no secret anywhere.
    await page.getByRole('link', { name: 'Developer console' }).first().click();
    await waitForPath(page, suite.world.provider, '/console');
    expect(await text(page, '.app-list')).toContain('Weather Widget');
    expect(await text(page, '.app-list')).toContain(`Client ID ${clientId}`);
    expect(await page.content()).not.toContain(secret);
    await s.shot(page, 'console-list');

    await page.reload();
    await page.getByRole('link', { name: 'Weather Widget', exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator('#client-secret').count()).toBe(0);

    // The app's own page: the client id, the secret hidden.
    await page.getByRole('link', { name: 'Manage Weather Widget' }).click();
    await page.getByRole('heading', { name: 'Details' }).waitFor();
    expect(await text(page, 'dl.facts')).toContain(`Client ID ${clientId}`);
    expect(await text(page, 'dl.facts')).toContain(
      'Client secret Hidden. Shown only when created or rotated.',
    );
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator('#client-secret').count()).toBe(0);
    await s.shot(page, 'console-app-page');

    // Exactly one app was registered.
    expect(await suite.world.stack.stores.db.clients.listByOwner(user.id)).toHaveLength(1);
    expectCleanPages(s);
  });

  // The page that shows the secret is rendered by the POST (the secret is never stored to
  // show after a redirect); its form carries a one-time id so a reload cannot act twice.
  it('reloading the page that showed the new secret registers no second app and shows no secret', async () => {
    const s = await open('console-reload');
    const user = await suite.world.seedUser('ivan', 0n);
    const page = await s.newPage();
    await page.goto(`${suite.world.provider}/console/apps/new`);
    await signInAtProvider(s, page, user);
    await waitForPath(page, suite.world.provider, '/console/apps/new');
    await page.getByLabel('Name').fill('Reload Test');
    await page.getByLabel('Description').fill('Checks that a reload does not register twice.');
    await page.getByLabel('Redirect URIs').fill('http://localhost:5056/callback');
    await page.getByRole('button', { name: 'Register app' }).click();
    const secret = await text(page, '#client-secret');
    expect(secret).toMatch(/^gth_cs_/);

    // What a user does next to be sure they copied it: F5. (Chromium asks "Confirm form
    // resubmission?" first; the user says yes, as a page reload through CDP does.)
    page.on('dialog', (dialog) => void dialog.accept());
    await page.reload();
    await s.shot(page, 'console-after-reload');
    expect(await page.locator('#client-secret').count()).toBe(0);
    expect(await suite.world.stack.stores.db.clients.listByOwner(user.id)).toHaveLength(1);
  });

  it('rotating the secret asks first, as deleting does; a refused form focuses its first invalid field', async () => {
    const s = await open('console-rotate');
    const user = await suite.world.seedUser('judy', 0n);
    const page = await s.newPage();
    await page.goto(`${suite.world.provider}/console/apps/new`);
    await signInAtProvider(s, page, user);
    await waitForPath(page, suite.world.provider, '/console/apps/new');
    expect(await focusedField(page, 'name')).toBe('name');

    // The homepage is the first field in error: the browser puts the cursor there.
    await page.getByLabel('Name').fill('Rotate Test');
    await page.getByLabel('Description').fill('Checks the rotation question.');
    await page.getByLabel('Homepage URL').fill('ftp://nope.example');
    await page.getByLabel('Redirect URIs').fill('https://rotate.example/cb#fragment');
    await page.getByRole('button', { name: 'Register app' }).click();
    await page.locator('#homepage_url-error').waitFor();
    expect(await focusedField(page, 'homepage_url')).toBe('homepage_url');
    await s.shot(page, 'console-form-errors');

    await page.getByLabel('Homepage URL').fill('');
    await page.getByLabel('Redirect URIs').fill('http://localhost:5057/callback');
    await page.getByRole('button', { name: 'Register app' }).click();
    const first = await text(page, '#client-secret');
    await page.getByRole('link', { name: 'Developer console' }).first().click();
    await page.getByRole('link', { name: 'Manage Rotate Test' }).click();
    await page.getByRole('heading', { name: 'Details' }).waitFor();

    // "Rotate secret…" asks on a page of its own; keeping the secret changes nothing.
    await page.getByRole('link', { name: 'Rotate secret…' }).click();
    await page.getByRole('heading', { name: 'Rotate the secret of Rotate Test?' }).waitFor();
    await s.shot(page, 'console-rotate-confirm');
    await page.getByRole('link', { name: 'Keep the current secret' }).click();
    await page.getByRole('heading', { name: 'Details' }).waitFor();
    const [app] = await suite.world.stack.stores.db.clients.listByOwner(user.id);
    expect(app?.secretHash).toBe(sha256Hex(first));

    await page.getByRole('link', { name: 'Rotate secret…' }).click();
    await page.getByRole('button', { name: 'Rotate the secret now' }).click();
    await page.locator('#client-secret').waitFor();
    expect(await text(page, '.secret-box')).toContain('The client secret was rotated.');
    const rotated = await text(page, '#client-secret');
    expect(rotated).not.toBe(first);
    expect((await suite.world.stack.stores.db.clients.findById(app!.id))?.secretHash).toBe(
      sha256Hex(rotated),
    );
    await s.shot(page, 'console-rotated');
    expectCleanPages(s);
  });
});
