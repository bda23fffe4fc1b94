/**
 * What a newcomer does with their mouse: the demo app's buttons and the provider's forms,
 * found by their visible labels.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Scenario, SeededUser } from './harness.js';

/**
 * A promise the test awaits later (an event it expects after a click): if the test fails
 * before awaiting it, its timeout must not surface as an unhandled rejection.
 */
export function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The rendered text of an element (as the user reads it), whitespace collapsed. */
export async function text(page: Page, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text as rendered, which is what a user reads.
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
}

/** Which of the demo page's views is showing once it has loaded. */
export async function demoView(page: Page): Promise<'signed-in' | 'signed-out'> {
  await page.locator('#signed-in:visible, #signed-out:visible').first().waitFor();
  return (await page.locator('#signed-in').isVisible()) ? 'signed-in' : 'signed-out';
}

/** Opens the demo app's home page and waits for it to decide who is signed in. */
export async function openDemo(s: Scenario, page: Page): Promise<'signed-in' | 'signed-out'> {
  await page.goto(`${s.world.demo}/`);
  return demoView(page);
}

/** Waits until the page shows `url`'s path on the given origin. */
export async function waitForPath(page: Page, origin: string, path: string): Promise<URL> {
  await page.waitForURL((url) => url.origin === origin && url.pathname === path);
  return new URL(page.url());
}

/** The provider's sign-in form: asserts it is the login page, fills it and submits. */
export async function signInAtProvider(s: Scenario, page: Page, user: SeededUser, shot?: string) {
  await waitForPath(page, s.world.provider, '/login');
  expect(await text(page, 'h1')).toBe('Sign in');
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  if (shot) await s.shot(page, shot);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Asserts the consent page names the demo app, its owner, both scopes and the redirect host. */
export async function expectDemoConsent(s: Scenario, page: Page, user: SeededUser): Promise<void> {
  await waitForPath(page, s.world.provider, '/api/oauth2/authorize');
  await page.getByRole('button', { name: 'Allow access' }).waitFor();
  expect(await text(page, 'h1')).toBe(s.world.client.name);
  const lead = await text(page, 'p.lead');
  expect(lead).toBe(`${s.world.client.name} wants to access your Gatehouse account ${user.username}:`);
  expect(await text(page, '.consent-head')).toContain('by demo-developer');
  const scopes = (await page.locator('ul.scopes li').allTextContents()).map((t) =>
    t.replace(/[✓\s]+/g, ' ').trim(),
  );
  expect(scopes).toEqual([
    'Sign you in with your account (your account number)',
    'See your username, email address and when you joined',
    'See your email address',
    'See your account balance and spending',
  ]);
  expect(await text(page, 'p.redirect')).toContain(new URL(s.world.demo).host);
}

/** Asserts the demo page shows `user` signed in with `balance` (e.g. '750.00'). */
export async function expectDemoSignedIn(page: Page, user: SeededUser, balance: string): Promise<void> {
  await page.locator('#signed-in').waitFor({ state: 'visible' });
  expect(await page.locator('#signed-out').isVisible()).toBe(false);
  expect(await text(page, '#username')).toBe(user.username);
  expect(await text(page, '#email')).toBe(user.email);
  await page.waitForFunction(
    (expected) => document.getElementById('balance-amount')?.textContent === expected,
    balance,
  );
  expect(await text(page, '#balance-amount')).toBe(balance);
  expect(await text(page, '#balance-currency')).toBe('USD');
}

/**
 * The first login through the demo app: One-click login → provider login → consent →
 * Allow access → the demo app signed in. Screenshots every page on the way.
 */
export async function firstLogin(s: Scenario, page: Page, user: SeededUser, balance = '750.00') {
  expect(await openDemo(s, page)).toBe('signed-out');
  await s.shot(page, 'demo-signed-out');
  await page.getByRole('button', { name: 'One-click login' }).click();
  await signInAtProvider(s, page, user, 'provider-login');
  await expectDemoConsent(s, page, user);
  await s.shot(page, 'provider-consent');
  await page.getByRole('button', { name: 'Allow access' }).click();
  await waitForPath(page, s.world.demo, '/');
  await expectDemoSignedIn(page, user, balance);
  await s.shot(page, 'demo-signed-in');
}

/** No console errors, no page errors, and every provider document carried frame-ancestors 'none'. */
export function expectCleanPages(s: Scenario): void {
  expect(s.problems).toEqual([]);
  expect(s.providerDocuments.length).toBeGreaterThan(0);
}
