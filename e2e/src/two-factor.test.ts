/**
 * Two-factor sign-in in a real Chromium (SEC-69, SEC-70): turn an authenticator app on at
 * /account (the test plays the app, computing RFC 6238 codes from the setup key it reads
 * off the page), sign out, sign in with password + code; then through the demo app's
 * one-click login, where the second step keeps the authorization request going; and once
 * with a recovery code.
 */
import { totpCodeAt } from '@gatehouse/core/accounts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  expectCleanPages,
  expectDemoConsent,
  expectDemoSignedIn,
  openDemo,
  signInAtProvider,
  text,
  waitForPath,
} from './flows.js';
import { type Scenario, SKIP_BROWSER, useSuite } from './harness.js';

/** A code for the step after `stepsAhead` from now: each code signs in once (SEC-66). */
const codeAt = (secret: string, stepsAhead: number) => totpCodeAt(secret, Date.now() + stepsAhead * 30_000);

async function signOut(page: Page, s: Scenario) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitForPath(page, s.world.provider, '/login');
}

async function secondStep(page: Page, s: Scenario, code: string, shot: string) {
  await waitForPath(page, s.world.provider, '/login/second-factor');
  expect(await text(page, 'h1')).toBe('Two-factor authentication');
  await page.getByLabel('Code', { exact: true }).fill(code);
  await s.shot(page, shot);
  await page.getByRole('button', { name: 'Verify' }).click();
}

describe.skipIf(SKIP_BROWSER)('two-factor authentication (Chromium)', () => {
  const suite = useSuite();

  it('enrol an authenticator app, sign out, sign in with password + TOTP, also through the demo app', async () => {
    const world = suite.world;
    const user = await world.seedUser('tove');
    const s = await suite.open('two-factor');
    const page = await s.newPage();

    await page.goto(`${world.provider}/account`);
    await signInAtProvider(s, page, user, 'login');
    await waitForPath(page, world.provider, '/account');
    const section = page.locator('#totp-setup');
    expect(await text(page, '#two-factor-status')).toMatch(/^Off/);
    await section.getByLabel('Current password').fill(user.password);
    await s.shot(page, 'account-off');
    await section.getByRole('button', { name: 'Set up an authenticator app' }).click();

    await page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
    const secret = (await text(page, '#totp-secret')).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await text(page, '#totp-uri')).toContain(
      `otpauth://totp/Gatehouse:${user.username}?secret=${secret}`,
    );
    await page.getByLabel('Code from the app').fill(await codeAt(secret, 0));
    await s.shot(page, 'setup');
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();

    await page.getByRole('heading', { name: 'Two-factor authentication is on' }).waitFor();
    const recoveryCodes = await page.locator('#recovery-codes code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await s.shot(page, 'recovery-codes');
    await page.getByRole('link', { name: 'Back to your account' }).click();
    await waitForPath(page, world.provider, '/account');
    expect(await text(page, '#two-factor-status')).toContain('10 of 10 recovery codes left');

    // Sign out, then in again: the password alone is not enough.
    await signOut(page, s);
    await signInAtProvider(s, page, user, 'login-again');
    await secondStep(page, s, '000000', 'second-factor-wrong');
    await page.getByRole('alert').waitFor();
    expect(await text(page, '[role="alert"]')).toContain('That code is not right');
    await page.getByLabel('Code', { exact: true }).fill(await codeAt(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitForPath(page, world.provider, '/account');
    expect(await text(page, '#two-factor-status')).toMatch(/^On/);
    await s.shot(page, 'signed-in-with-totp');

    // The demo app's one-click login: password, second factor, consent, back at the app.
    await signOut(page, s);
    expect(await openDemo(s, page)).toBe('signed-out');
    await page.getByRole('button', { name: 'One-click login' }).click();
    await signInAtProvider(s, page, user);
    await secondStep(page, s, recoveryCodes[0]!, 'demo-second-factor-recovery-code');
    await expectDemoConsent(s, page, user);
    await page.getByRole('button', { name: 'Allow access' }).click();
    await waitForPath(page, world.demo, '/');
    await expectDemoSignedIn(page, user, '750.00');
    await s.shot(page, 'demo-signed-in');

    await page.goto(`${world.provider}/account`);
    expect(await text(page, '#two-factor-status')).toContain('9 of 10 recovery codes left');
    expectCleanPages(s);
  });
});
