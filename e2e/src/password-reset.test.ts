/**
 * Password reset in a real Chromium (SEC-63): "Forgot password?" on the login page, the
 * mailed link taken from the development outbox, a new password — and afterwards the
 * account's old refresh token is dead and the old password no longer signs in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { authorizeAsUser, HttpBrowser } from '@gatehouse/stack/testing';
import { describe, expect, it } from 'vitest';
import { expectCleanPages, text, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

describe.skipIf(SKIP_BROWSER)('password reset by e-mail (Chromium)', () => {
  const suite = useSuite();

  /** A refresh token of the demo client for `user`, through the real authorize and token endpoints. */
  async function refreshTokenFor(credentials: { username: string; password: string }): Promise<string> {
    const world = suite.world;
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = `${world.demo}/oauth/callback`;
    const url = `/api/oauth2/authorize?${new URLSearchParams({
      client_id: world.client.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'profile',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })}`;
    const { callback } = await authorizeAsUser(new HttpBrowser(world.provider), url, credentials);
    const token = await tokenRequest({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(token.status).toBe(200);
    return ((await token.json()) as { refresh_token: string }).refresh_token;
  }

  function tokenRequest(form: Record<string, string>) {
    const { client, provider } = suite.world;
    return fetch(`${provider}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ ...form, client_id: client.clientId, client_secret: client.clientSecret }),
    });
  }

  it('forgot password → outbox link → new password: sessions end, the old refresh token is dead', async () => {
    const world = suite.world;
    const user = await world.seedUser('rosa');
    const refreshToken = await refreshTokenFor(user);

    const s = await suite.open('password-reset');
    const page = await s.newPage();
    await page.goto(`${world.provider}/login`);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await waitForPath(page, world.provider, '/forgot-password');
    await page.getByLabel('Email address').fill(user.email);
    await s.shot(page, 'forgot-form');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    expect(await text(page, 'p.lead')).toContain('If an account uses this address');

    // Development without SMTP_URL: the mail waits in the outbox (the reset mail is sent in the background).
    await expect
      .poll(
        async () => {
          await page.goto(`${world.provider}/dev/outbox`);
          return page.getByText(`To ${user.email}`).count();
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    await s.shot(page, 'outbox');
    await page
      .locator('article.outbox-mail', { hasText: 'Reset your password' })
      .getByRole('link', { name: 'Open the link' })
      .first()
      .click();
    await waitForPath(page, world.provider, '/reset-password');
    await page.getByLabel('New password').fill('rosa chose a fresh password');
    await s.shot(page, 'new-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await s.shot(page, 'done');

    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');

    await page.getByRole('link', { name: 'Sign in' }).click();
    await waitForPath(page, world.provider, '/login');
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await text(page, '[role="alert"]')).toBe('Incorrect username or password.');
    await page.getByLabel('Password').fill('rosa chose a fresh password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForPath(page, world.provider, '/account');
    expectCleanPages(s);
  });
});
