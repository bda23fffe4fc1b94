import { sha256Hex, type User } from '@gatehouse/core';
import { sessionSid } from '@gatehouse/core/authorize';
import { keyRingOf, mintIdToken } from '@gatehouse/core/oidc';
import { testConfig } from '@gatehouse/service-kit/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  hiddenField,
  ISSUER,
  type SeededClient,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';

const BYE = 'https://app.example.com/signed-out';

const world = useAuthorizeApp();
let seeded: SeededClient;

beforeAll(async () => {
  seeded = await seedClient(world.stores);
  await world.stores.db.clients.update(seeded.client.id, { postLogoutRedirectUris: [BYE] });
});

async function signedIn(): Promise<{ browser: Browser; user: User; sid: string }> {
  const user = await seedUser(world.stores);
  const browser = new Browser(world.app);
  expect((await browser.login(user.username)).statusCode).toBe(303);
  const cookie = [...browser.cookies].find(([name]) => name.endsWith('gh_session'))![1];
  return { browser, user, sid: sessionSid(sha256Hex(cookie)) };
}

async function hintFor(user: User, sid: string | null): Promise<string> {
  const signer = await keyRingOf(world.stores, testConfig()).signer('RS256', Date.now());
  return mintIdToken(
    {
      issuer: ISSUER,
      clientId: seeded.client.clientId,
      subject: String(user.id),
      authTime: Math.floor(Date.now() / 1000),
      nonce: null,
      sid,
      accessToken: 'gth_at_x',
      claims: {},
      now: Date.now() - 7200_000,
    },
    signer,
  );
}

const logoutPath = (params: Record<string, string>) => `/api/oauth2/logout?${new URLSearchParams(params)}`;
const signedOut = async (browser: Browser) =>
  new URL((await browser.get('/account')).headers.location as string, ISSUER).pathname === '/login';

describe('RP-initiated logout (SEC-47)', () => {
  it('a hint for this user and session (even expired) ends the session and returns to the registered URI with state', async () => {
    const { browser, user, sid } = await signedIn();
    const response = await browser.get(
      logoutPath({ id_token_hint: await hintFor(user, sid), post_logout_redirect_uri: BYE, state: 'st 1' }),
    );
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`${BYE}?state=st%201`);
    expect(await signedOut(browser)).toBe(true);
  });

  it('without a hint (or with a stale one) asks first; the confirmed form signs out and redirects', async () => {
    const { browser, user } = await signedIn();
    for (const params of [
      { client_id: seeded.client.clientId, post_logout_redirect_uri: BYE } as Record<string, string>,
      { id_token_hint: await hintFor(user, 'another-session'), post_logout_redirect_uri: BYE },
    ]) {
      const ask = await browser.get(logoutPath(params));
      expect(ask.statusCode).toBe(200);
      expect(ask.body).toContain('Sign out of Gatehouse?');
      expect(await signedOut(browser)).toBe(false);
    }
    const ask = await browser.get(
      logoutPath({ client_id: seeded.client.clientId, post_logout_redirect_uri: BYE }),
    );
    const confirmed = await browser.post('/api/oauth2/logout', {
      _csrf: hiddenField(ask.body, '_csrf'),
      client_id: hiddenField(ask.body, 'client_id'),
      post_logout_redirect_uri: hiddenField(ask.body, 'post_logout_redirect_uri'),
    });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe(BYE);
    expect(await signedOut(browser)).toBe(true);
  });

  it('never redirects to an unregistered URI, nor without a known client', async () => {
    const { browser } = await signedIn();
    for (const params of [
      { client_id: seeded.client.clientId, post_logout_redirect_uri: `${BYE}/` } as Record<string, string>,
      { client_id: seeded.client.clientId, post_logout_redirect_uri: seeded.redirectUri },
      { post_logout_redirect_uri: BYE },
      { client_id: 'gh_unknown', post_logout_redirect_uri: BYE },
    ]) {
      const response = await browser.get(logoutPath(params));
      expect(response.statusCode).toBe(400);
      expect(response.headers.location).toBeUndefined();
    }
    expect(await signedOut(browser)).toBe(false);
  });

  it('a confirmation POST without the CSRF token changes nothing', async () => {
    const { browser } = await signedIn();
    const response = await browser.post('/api/oauth2/logout', { client_id: seeded.client.clientId });
    expect(response.statusCode).toBe(403);
    expect(await signedOut(browser)).toBe(false);
  });
});
