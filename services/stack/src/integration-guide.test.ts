import { sha256Hex } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

/**
 * Replays the requests of the integration guide (docs/integration-guide.txt) exactly as an app
 * written against it sends them: no PKCE, form-encoded token calls with client_id and
 * client_secret in the body, Bearer userinfo, `balance_formatted`.
 */
describe('an app written against the integration guide', () => {
  let stack: RunningStack;
  const clientId = 'gh_guide_app';
  const clientSecret = 'gth_cs_guide-secret-abcdefghijklmnopqrstuvwxyz012345';
  const redirectUri = 'http://localhost:3001/oauth/callback';

  beforeAll(async () => {
    stack = await startTestStack();
    const user = await stack.stores.db.users.create({
      username: 'bob',
      email: 'bob@example.com',
      passwordHash: await hashPassword('bob-password-1'),
    });
    await stack.stores.db.ledger.apply({
      userId: user.id,
      amount: 375_000_000n,
      kind: 'credit',
      actor: 'test',
    });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'Guide App',
      redirectUris: [redirectUri],
      allowedScopes: ['profile', 'balance'],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const form = (body: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });

  it('logs in, exchanges the code, reads the balance and refreshes', async () => {
    // Step 2: the app's server builds the authorization URL.
    const state = 'server-generated-random-state';
    const authorizeUrl =
      `/api/oauth2/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}` +
      `&response_type=code&scope=${encodeURIComponent('profile balance')}&state=${state}&auto_authorize=true`;
    const { callback } = await authorizeAsUser(new HttpBrowser(stack.origin), authorizeUrl, {
      username: 'bob',
      password: 'bob-password-1',
    });
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe(state);
    const code = callback.searchParams.get('code')!;

    // Step 3: the callback handler exchanges the code server-side.
    const tokenResponse = await fetch(
      `${stack.origin}/api/oauth2/token`,
      form({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(tokenResponse.status).toBe(200);
    const tokens = (await tokenResponse.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 7200, scope: 'profile balance' });

    // Step 4: the backend proxy reads userinfo with the Bearer token.
    const info = await fetch(`${stack.origin}/api/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.status).toBe(200);
    const user = (await info.json()) as Record<string, unknown>;
    expect(user).toMatchObject({
      username: 'bob',
      email: 'bob@example.com',
      quota: 375_000_000,
      balance_formatted: '750.00',
    });
    expect(typeof user.id).toBe('number');

    // Refresh with the guide's parameters.
    const refreshed = await fetch(
      `${stack.origin}/api/oauth2/token`,
      form({
        grant_type: 'refresh_token',
        refresh_token: String(tokens.refresh_token),
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as Record<string, unknown>).refresh_token).not.toBe(
      tokens.refresh_token,
    );
  });

  it('returns a top-up link', async () => {
    const { callback } = await authorizeAsUser(
      new HttpBrowser(stack.origin),
      `/api/oauth2/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=balance&state=s1`,
      { username: 'bob', password: 'bob-password-1' },
    );
    const tokens = (await (
      await fetch(
        `${stack.origin}/api/oauth2/token`,
        form({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          redirect_uri: redirectUri,
          client_id: clientId,
          client_secret: clientSecret,
        }),
      )
    ).json()) as { access_token: string };
    const link = await fetch(`${stack.origin}/api/oauth2/topup`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(link.status).toBe(200);
    const { topup_url } = (await link.json()) as { topup_url: string };
    expect(new URL(topup_url).origin).toBe(stack.origin);
    expect(new URL(topup_url).pathname).toBe('/topup');
  });
});
