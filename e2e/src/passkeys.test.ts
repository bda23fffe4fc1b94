/**
 * Passkeys in a real Chromium with a virtual authenticator (CDP `WebAuthn.addVirtualAuthenticator`
 * through playwright-core): add a passkey at /account, sign out, sign in with the passkey
 * alone, then with password + passkey as the second factor. The provider runs on
 * `localhost` here: a WebAuthn RP ID cannot be an IP address.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectCleanPages, signInAtProvider, text, waitForPath } from './flows.js';
import { type Scenario, SKIP_BROWSER, useSuite } from './harness.js';

/** A platform authenticator with resident keys and user verification that always says yes. */
async function addVirtualAuthenticator(s: Scenario, page: Page) {
  const cdp = await s.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
  };
}

async function signOut(page: Page, s: Scenario) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitForPath(page, s.world.provider, '/login');
}

describe.skipIf(SKIP_BROWSER)('passkeys (Chromium, virtual authenticator)', () => {
  const suite = useSuite({ providerHost: 'localhost' });

  it('add a passkey, sign in with it alone, and use it as the second factor after the password', async () => {
    const world = suite.world;
    expect(new URL(world.provider).hostname).toBe('localhost');
    const user = await world.seedUser('pia');
    const s = await suite.open('passkeys');
    const page = await s.newPage();
    const authenticator = await addVirtualAuthenticator(s, page);

    await page.goto(`${world.provider}/account`);
    await signInAtProvider(s, page, user, 'login');
    await waitForPath(page, world.provider, '/account');
    const add = page.locator('#passkey-new');
    await add.getByLabel('Passkey name').fill('Virtual laptop');
    await add.getByLabel('Current password').fill(user.password);
    await s.shot(page, 'account-add-passkey');
    await add.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('heading', { name: 'Add a passkey' }).waitFor();
    await s.shot(page, 'create-passkey');
    await page.getByRole('button', { name: 'Create the passkey' }).click();
    await waitForPath(page, world.provider, '/account');
    expect(await text(page, '[role="status"]')).toContain('Passkey added');
    expect(await text(page, '#passkey-list')).toContain('Virtual laptop');
    const stored = await authenticator.credentials();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    await s.shot(page, 'passkey-added');

    // Passwordless: the passkey alone signs in.
    await signOut(page, s);
    await page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    await waitForPath(page, world.provider, '/login/passkey');
    await s.shot(page, 'passkey-login');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await waitForPath(page, world.provider, '/account');
    expect(await text(page, 'h1')).toBe('Your account');
    expect(await text(page, '#passkey-list')).toContain('last used');

    // After the password, the passkey is the second factor.
    await signOut(page, s);
    await signInAtProvider(s, page, user, 'login-password');
    await waitForPath(page, world.provider, '/login/second-factor');
    await s.shot(page, 'second-factor-passkey');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await waitForPath(page, world.provider, '/account');
    expect(await text(page, 'h1')).toBe('Your account');

    const events = await world.stack.stores.db.audit.list({
      userId: user.id,
      type: 'login.succeeded',
      limit: 5,
    });
    expect(events.map((e) => e.data.second_factor ?? null)).toEqual(['passkey', 'passkey', null]);
    expectCleanPages(s);
  });
});
