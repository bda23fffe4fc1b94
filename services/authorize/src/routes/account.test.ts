import { readRefreshToken, sha256Hex } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { Browser, seedClient, seedUser, useAuthorizeApp } from '../testing/harness.js';
import {
  csrfOf,
  expectPageHeaders,
  grantAndIssue,
  signedInBrowser,
  textOf,
  tokensAlive,
} from '../testing/people.js';
import { RECENT_LEDGER_ENTRIES } from './account.js';

const world = useAuthorizeApp();

const DEV_TOKEN = /gth_dt_[A-Za-z0-9_-]{43}/g;

describe('GET /account', () => {
  it('sends signed-out people to the login page and back', async () => {
    const response = await new Browser(world.app).get('/account');
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/login?return_to=%2Faccount');
    expect((await new Browser(world.app).get('/')).headers.location).toBe('/login');
  });

  it('shows the profile, the navigation and the security headers', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    expect((await browser.get('/')).headers.location).toBe('/account');
    const page = await browser.get('/account');
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page, 'account');
    expect(page.body).toContain(user.username);
    expect(page.body).toContain(user.email);
    expect(page.body).toContain('href="/account" aria-current="page"');
    expect(page.body).toContain('href="/console"');
    expect(page.body).toContain('action="/logout"');
  });

  it('shows the balance (formatted, rounded down) and the recent ledger entries, newest first', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const empty = await browser.get('/account');
    expect(textOf(empty.body, 'balance-heading')).toBe('Balance');
    expect(empty.body).toContain('0.00 USD');
    expect(empty.body).toContain('No activity yet');

    // 500 000 quota = 1 USD (the default QUOTA_PER_UNIT).
    await world.stores.db.ledger.apply({
      userId: user.id,
      amount: 6_250_000n,
      kind: 'credit',
      reference: 'welcome bonus',
      actor: 'admin',
    });
    await world.stores.db.ledger.apply({
      userId: user.id,
      amount: -1_000_001n,
      kind: 'debit',
      reference: 'api usage',
      actor: 'admin',
    });
    const page = await browser.get('/account');
    expect(page.body).toContain('<span class="balance-amount">10.49 USD</span>');
    expect(page.body).toContain('2.00 USD spent so far');
    const rows = page.body.slice(page.body.indexOf('<tbody>'), page.body.indexOf('</tbody>'));
    expect(rows.indexOf('api usage')).toBeLessThan(rows.indexOf('welcome bonus'));
    expect(rows).toContain('+12.50 USD');
    expect(rows).toContain('−2.00 USD');
    expect(rows).toContain('Charge');
    expect(rows).toContain('Credit');
  });

  it(`shows at most ${RECENT_LEDGER_ENTRIES} ledger entries`, async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    for (let i = 0; i < RECENT_LEDGER_ENTRIES + 2; i++) {
      await world.stores.db.ledger.apply({
        userId: user.id,
        amount: 500_000n,
        kind: 'credit',
        reference: `entry-${i}`,
        actor: 'admin',
      });
    }
    const page = await browser.get('/account');
    expect(page.body).toContain(`entry-${RECENT_LEDGER_ENTRIES + 1}`);
    expect(page.body).not.toContain('entry-1<');
    expect(page.body).toContain('12.00 USD');
  });
});

describe('connected apps', () => {
  it('lists each app the user granted: name, homepage, scopes in plain words, when', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await seedClient(world.stores, { homepageUrl: 'https://hello.example.com/' });
    await grantAndIssue(world.stores, user, client, ['profile', 'balance']);
    const page = await browser.get('/account');
    expect(page.body).toContain(client.name);
    expect(page.body).toContain('href="https://hello.example.com/"');
    expect(page.body).toContain('See your username, email address and when you joined');
    expect(page.body).toContain('See your account balance and spending');
    expect(page.body).toContain(`action="/account/apps/${client.clientId}/revoke"`);
    expect(page.body).toContain('Allowed on');
  });

  it('revoke deletes the grant and kills the app’s refresh and access tokens at once, only that app’s', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const other = await seedUser(world.stores);
    const { client } = await seedClient(world.stores);
    const { client: keptClient } = await seedClient(world.stores);
    const first = await grantAndIssue(world.stores, user, client);
    const second = await grantAndIssue(world.stores, user, client);
    const kept = await grantAndIssue(world.stores, user, keptClient);
    const othersTokens = await grantAndIssue(world.stores, other, client);

    const page = await browser.get('/account');
    const action = `/account/apps/${client.clientId}/revoke`;
    const response = await browser.post(action, { _csrf: csrfOf(page, action) });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account?notice=app-revoked#connected-apps');

    for (const tokens of [first, second]) {
      expect(await world.stores.cache.accessTokens.get(sha256Hex(tokens.accessToken))).toBeNull();
      const refresh = await world.stores.db.refreshTokens.find(readRefreshToken(tokens.refreshToken));
      expect(refresh?.revokedAt).toBeInstanceOf(Date);
    }
    expect(await world.stores.db.grants.find(user.id, client.id)).toBeNull();
    expect(await tokensAlive(world.stores, kept)).toEqual({ access: true, refresh: true });
    expect(await tokensAlive(world.stores, othersTokens)).toEqual({ access: true, refresh: true });
    expect(await world.stores.db.grants.find(other.id, client.id)).not.toBeNull();

    const after = await browser.get('/account?notice=app-revoked');
    expect(after.body).toContain('Access revoked');
    expect(after.body).not.toContain(`action="${action}"`);
    expect(after.body).toContain(keptClient.name);

    const events = await world.stores.db.audit.list({ userId: user.id, type: 'consent.revoked', limit: 5 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ clientId: client.clientId, actor: `user:${user.id}` });
  });

  it('revoking an app that is not connected (or unknown) is a 404 page', async () => {
    const { browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await seedClient(world.stores);
    const page = await browser.get('/account');
    const csrf = csrfOf(page, '/logout');
    expect((await browser.post(`/account/apps/${client.clientId}/revoke`, { _csrf: csrf })).statusCode).toBe(
      404,
    );
    expect((await browser.post('/account/apps/gh_nope/revoke', { _csrf: csrf })).statusCode).toBe(404);
  });
});

describe('developer tokens', () => {
  async function createToken(browser: Browser, name: string) {
    const page = await browser.get('/account');
    return browser.post('/account/developer-tokens', {
      name,
      _csrf: csrfOf(page, '/account/developer-tokens#developer-tokens'),
    });
  }

  it('creates a token shown once (rendered from the POST), stored hashed, usable as a developer token', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const response = await createToken(browser, 'deploy script');
    expect(response.statusCode).toBe(200);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['cache-control']).toBe('no-store');
    const shown = response.body.match(DEV_TOKEN) ?? [];
    expect(shown).toHaveLength(1);
    const token = shown[0]!;
    expect(textOf(response.body, 'new-token')).toBe(token);
    expect(String(response.headers['set-cookie'] ?? '')).not.toContain(token);

    const record = await world.stores.db.developerTokens.findActiveByHash(sha256Hex(token));
    expect(record).toMatchObject({ userId: user.id, name: 'deploy script', tokenHash: sha256Hex(token) });
    const [listed] = await world.stores.db.developerTokens.listByUser(user.id);
    expect(JSON.stringify(listed)).not.toContain(token);

    const next = await browser.get('/account');
    expect(next.body).not.toContain(token);
    expect(next.body.match(DEV_TOKEN)).toBeNull();
    expect(next.body).toContain('deploy script');
    expect(next.body).toContain('Never');

    const events = await world.stores.db.audit.list({
      userId: user.id,
      type: 'developer_token.created',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('needs a name: the problem is shown next to the field', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const response = await createToken(browser, '   ');
    expect(response.statusCode).toBe(400);
    expect(textOf(response.body, 'token-name-error')).toMatch(/Token name is required/);
    expect(response.body).toMatch(/id="token-name"[^>]*aria-describedby="token-name-hint token-name-error"/);
    expect(response.body.match(DEV_TOKEN)).toBeNull();
    expect(await world.stores.db.developerTokens.listByUser(user.id)).toEqual([]);
    const long = await createToken(browser, 'x'.repeat(101));
    expect(textOf(long.body, 'token-name-error')).toMatch(/at most 100 characters/);
  });

  it('revokes only your own tokens', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const mine = (await createToken(browser, 'mine')).body.match(DEV_TOKEN)![0]!;
    const stranger = await signedInBrowser(world.app, world.stores);
    const theirs = (await createToken(stranger.browser, 'theirs')).body.match(DEV_TOKEN)![0]!;
    const theirRecord = (await world.stores.db.developerTokens.findActiveByHash(sha256Hex(theirs)))!;
    const myRecord = (await world.stores.db.developerTokens.findActiveByHash(sha256Hex(mine)))!;

    const page = await browser.get('/account');
    const csrf = csrfOf(page, `/account/developer-tokens/${myRecord.id}/revoke`);
    const foreign = await browser.post(`/account/developer-tokens/${theirRecord.id}/revoke`, { _csrf: csrf });
    expect(foreign.statusCode).toBe(404);
    expect(await world.stores.db.developerTokens.findActiveByHash(sha256Hex(theirs))).not.toBeNull();
    expect((await browser.post('/account/developer-tokens/abc/revoke', { _csrf: csrf })).statusCode).toBe(
      404,
    );

    const own = await browser.post(`/account/developer-tokens/${myRecord.id}/revoke`, { _csrf: csrf });
    expect(own.statusCode).toBe(303);
    expect(own.headers.location).toBe('/account?notice=token-revoked#developer-tokens');
    expect(await world.stores.db.developerTokens.findActiveByHash(sha256Hex(mine))).toBeNull();
    const again = await browser.post(`/account/developer-tokens/${myRecord.id}/revoke`, { _csrf: csrf });
    expect(again.statusCode).toBe(404);

    const events = await world.stores.db.audit.list({
      userId: user.id,
      type: 'developer_token.revoked',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({ token_id: myRecord.id });
  });
});

describe('SECURITY 16: every account POST needs the session CSRF token', () => {
  it('403 without _csrf, with another session’s token, or from a foreign origin; nothing changes', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const other = await signedInBrowser(world.app, world.stores);
    const otherCsrf = await other.browser.sessionCsrf();
    const { client } = await seedClient(world.stores);
    const tokens = await grantAndIssue(world.stores, user, client);
    const page = await browser.get('/account');
    const csrf = csrfOf(page, '/logout');
    const mine = await world.stores.db.developerTokens.create({
      userId: user.id,
      name: 't',
      tokenHash: sha256Hex('x'.repeat(40)),
    });

    const posts: [string, Record<string, string>][] = [
      [`/account/apps/${client.clientId}/revoke`, {}],
      ['/account/developer-tokens', { name: 'sneaky' }],
      [`/account/developer-tokens/${mine.id}/revoke`, {}],
    ];
    for (const [url, form] of posts) {
      expect((await browser.post(url, form)).statusCode, url).toBe(403);
      expect((await browser.post(url, { ...form, _csrf: otherCsrf })).statusCode, url).toBe(403);
      expect(
        (await browser.post(url, { ...form, _csrf: csrf }, { origin: 'https://evil.example' })).statusCode,
        url,
      ).toBe(403);
      // Signed out: the CSRF check refuses before anything else.
      expect((await new Browser(world.app).post(url, { ...form, _csrf: csrf })).statusCode, url).toBe(403);
    }
    expect(await tokensAlive(world.stores, tokens)).toEqual({ access: true, refresh: true });
    expect(await world.stores.db.developerTokens.listByUser(user.id)).toHaveLength(1);
  });
});
