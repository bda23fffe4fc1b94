import { sha256Hex } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

/**
 * SEC-26: canary credentials go through every endpoint at debug level, and
 * none of them may appear in any log line.
 */
describe('logs never contain secrets', () => {
  const lines: string[] = [];
  let stack: RunningStack;
  const password = 'canary-password-7f3a9c';
  const clientSecret = 'gth_cs_canary-secret-2b8e4d6f0a1c3e5g7i9k1m3o5q7s9u1w3';
  const redirectUri = 'http://localhost:4998/cb';
  const clientId = 'gh_canary';

  beforeAll(async () => {
    stack = await startTestStack(
      { LOG_LEVEL: 'trace' },
      { logStream: { write: (line) => lines.push(line) } },
    );
    await stack.stores.db.users.create({
      username: 'canary',
      email: 'canary@example.com',
      passwordHash: await hashPassword(password),
    });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'Canary',
      redirectUris: [redirectUri],
      allowedScopes: ['profile', 'balance'],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('redacts passwords, secrets, codes, tokens, cookies and CSRF tokens', async () => {
    const browser = new HttpBrowser(stack.origin);
    const { callback } = await authorizeAsUser(
      browser,
      `/api/oauth2/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=profile%20balance&state=st`,
      { username: 'canary', password },
    );
    const code = callback.searchParams.get('code')!;
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const post = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${stack.origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic, ...headers },
        body: new URLSearchParams(body),
      });
    const tokens = (await (
      await post('/api/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri })
    ).json()) as { access_token: string; refresh_token: string };
    expect(tokens.access_token).toMatch(/^gth_at_/);

    // A replay, a wrong password, credentials in query strings, and the other endpoints.
    await post('/api/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    await fetch(`${stack.origin}/api/oauth2/userinfo?access_token=${tokens.access_token}`);
    await fetch(`${stack.origin}/api/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    await fetch(
      `${stack.origin}/api/oauth2/token?client_secret=${clientSecret}&refresh_token=${tokens.refresh_token}`,
      {
        method: 'POST',
      },
    );
    await post('/api/oauth2/introspect', { token: tokens.access_token });
    const refreshed = (await (
      await post('/api/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
    ).json()) as { refresh_token: string };
    await post('/api/oauth2/revoke', { token: refreshed.refresh_token });
    const login = await new HttpBrowser(stack.origin).request('/login', {
      form: { username: 'canary', password: `${password}-wrong`, _csrf: 'x' },
    });
    expect(login.status).toBeGreaterThanOrEqual(400);

    const session = browser.cookie('gh_session');
    const canaries = {
      password,
      clientSecret,
      code,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      rotatedRefreshToken: refreshed.refresh_token,
      session: session!,
      basicHeader: basic.slice(6),
    };
    expect(session).toBeTruthy();
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(20);
    for (const [name, value] of Object.entries(canaries)) {
      expect(log.includes(value), `${name} appears in the logs`).toBe(false);
    }
    // Redaction was exercised (query values are logged URL-encoded: %5BRedacted%5D).
    expect(log).toMatch(/Redacted/);
  });
});
