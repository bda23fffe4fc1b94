import { s256, sha256Hex, TOKEN_PREFIX, type User } from '@gatehouse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  hiddenField,
  ISSUER,
  locationQuery,
  type SeededClient,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';

const world = useAuthorizeApp();

async function signedInBrowser(address?: string): Promise<{ browser: Browser; user: User }> {
  const user = await seedUser(world.stores);
  const browser = new Browser(world.app, address);
  const login = await browser.login(user.username);
  expect(login.statusCode).toBe(303);
  return { browser, user };
}

/** GET the authorize URL; expects the consent page and returns its form fields. */
async function consentPage(browser: Browser, path: string) {
  const response = await browser.get(path);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.body).toContain('Allow access');
  return {
    response,
    requestId: hiddenField(response.body, 'request_id'),
    csrf: hiddenField(response.body, '_csrf'),
  };
}

async function approve(browser: Browser, path: string) {
  const { requestId, csrf } = await consentPage(browser, path);
  return browser.post('/api/oauth2/authorize', { request_id: requestId, decision: 'approve', _csrf: csrf });
}

function expectPageWithoutRedirect(response: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}) {
  expect(response.statusCode).toBe(400);
  expect(response.headers.location).toBeUndefined();
  expect(response.headers['content-type']).toMatch(/^text\/html/);
}

describe('GET /api/oauth2/authorize — the happy path', () => {
  it('sends a signed-out user to /login with the authorize URL as a relative return_to', async () => {
    const seeded = await seedClient(world.stores);
    const params = authorizeParams(seeded);
    const response = await new Browser(world.app).get(authorizePath(params));
    expect(response.statusCode).toBe(302);
    const location = new URL(response.headers.location as string, ISSUER);
    expect(location.pathname).toBe('/login');
    const returnTo = location.searchParams.get('return_to')!;
    expect(returnTo.startsWith('/api/oauth2/authorize?')).toBe(true);
    expect(Object.fromEntries(new URL(returnTo, ISSUER).searchParams)).toEqual(params);
  });

  it('shows a consent page naming the app, its owner, homepage, redirect host and each scope in plain words', async () => {
    const owner = await seedUser(world.stores);
    const seeded = await seedClient(world.stores, {
      ownerUserId: owner.id,
      homepageUrl: 'https://home.example.org/',
    });
    const { browser } = await signedInBrowser();
    const { response } = await consentPage(
      browser,
      authorizePath(authorizeParams(seeded, { scope: 'profile balance' })),
    );
    const html = response.body;
    expect(html).toContain(seeded.client.name);
    expect(html).toContain(owner.username);
    expect(html).toContain('https://home.example.org/');
    expect(html).toContain(new URL(seeded.redirectUri).host);
    expect(html).toContain('See your username, email address and when you joined');
    expect(html).toContain('See your account balance and spending');
    expect(html).not.toContain('<script');
  });

  it('issues a 256-bit code on approval: 303 to redirect_uri with code, state and iss; only its hash is stored', async () => {
    const seeded = await seedClient(world.stores);
    const { browser, user } = await signedInBrowser();
    const params = authorizeParams(seeded, { scope: 'balance profile' });
    const response = await approve(browser, authorizePath(params));

    expect(response.statusCode).toBe(303);
    const location = new URL(response.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(seeded.redirectUri);
    const query = Object.fromEntries(location.searchParams);
    expect(Object.keys(query)).toEqual(['code', 'state', 'iss']);
    expect(query.state).toBe(params.state);
    expect(query.iss).toBe(ISSUER);

    const code = query.code!;
    expect(code.startsWith(TOKEN_PREFIX.authorizationCode)).toBe(true);
    const random = Buffer.from(code.slice(TOKEN_PREFIX.authorizationCode.length), 'base64url');
    expect(random.length * 8).toBeGreaterThanOrEqual(256);

    // The code itself is not a key in the store; its SHA-256 is, bound to everything it must be bound to.
    expect(await world.stores.cache.codes.consume(code, 60)).toEqual({ kind: 'not_found' });
    const stored = await world.stores.cache.codes.consume(sha256Hex(code), 60);
    expect(stored.kind).toBe('fresh');
    if (stored.kind !== 'fresh') return;
    expect(stored.data).toMatchObject({
      clientId: seeded.client.id,
      userId: user.id,
      redirectUri: seeded.redirectUri,
      scopes: ['profile', 'balance'],
      codeChallenge: null,
    });
    expect(stored.data.familyId).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    const granted = await world.stores.db.grants.find(user.id, seeded.client.id);
    expect([...(granted?.scopes ?? [])].sort()).toEqual(['balance', 'profile']);
    const events = await world.stores.db.audit.list({ userId: user.id, type: 'consent.granted', limit: 5 });
    expect(events).toHaveLength(1);
    expect(events[0]!.clientId).toBe(seeded.client.clientId);
  });

  it('gives each code a fresh token family', async () => {
    const seeded = await seedClient(world.stores);
    const { browser } = await signedInBrowser();
    const first = locationQuery(await approve(browser, authorizePath(authorizeParams(seeded))));
    const second = locationQuery(await browser.get(authorizePath(authorizeParams(seeded))));
    expect(second.code).not.toBe(first.code);
    const a = await world.stores.cache.codes.consume(sha256Hex(first.code!), 60);
    const b = await world.stores.cache.codes.consume(sha256Hex(second.code!), 60);
    expect(a.kind === 'fresh' && b.kind === 'fresh' && a.data.familyId !== b.data.familyId).toBe(true);
  });

  it('appends with & when the registered redirect URI already has a query', async () => {
    const uri = 'https://query.example.com/cb?tenant=acme';
    const seeded = await seedClient(world.stores, { redirectUris: [uri] });
    const { browser } = await signedInBrowser();
    const response = await approve(browser, authorizePath(authorizeParams(seeded)));
    const location = response.headers.location as string;
    expect(location.startsWith(`${uri}&code=`)).toBe(true);
    expect(new URL(location).searchParams.get('tenant')).toBe('acme');
  });

  it('binds the S256 challenge to the code', async () => {
    const seeded = await seedClient(world.stores);
    const { browser } = await signedInBrowser();
    const challenge = s256('v'.repeat(64));
    const params = authorizeParams(seeded, { code_challenge: challenge, code_challenge_method: 'S256' });
    const { code } = locationQuery(await approve(browser, authorizePath(params)));
    const stored = await world.stores.cache.codes.consume(sha256Hex(code!), 60);
    expect(stored.kind === 'fresh' && stored.data.codeChallenge).toBe(challenge);
  });
});

describe('SECURITY 1–2: exact redirect URIs; bad clients never redirect', () => {
  let seeded: SeededClient;
  let browser: Browser;
  beforeAll(async () => {
    seeded = await seedClient(world.stores, { redirectUris: ['https://exact.example.com/oauth/callback'] });
    ({ browser } = await signedInBrowser());
  });

  it.each([
    ['trailing slash', 'https://exact.example.com/oauth/callback/'],
    ['case', 'https://EXACT.example.com/oauth/callback'],
    ['path case', 'https://exact.example.com/OAuth/callback'],
    ['added query', 'https://exact.example.com/oauth/callback?x=1'],
    ['prefix', 'https://exact.example.com/oauth'],
    ['path traversal', 'https://exact.example.com/oauth/callback/../callback'],
    ['userinfo', 'https://exact.example.com@evil.example/oauth/callback'],
    ['userinfo prefix', 'https://user@exact.example.com/oauth/callback'],
    ['other host', 'https://evil.example/oauth/callback'],
  ])('%s variant → 400 page, no Location', async (_name, redirectUri) => {
    const response = await browser.get(authorizePath(authorizeParams(seeded, { redirect_uri: redirectUri })));
    expectPageWithoutRedirect(response);
    expect(response.body).toContain('redirect_uri is not registered');
  });

  it('missing or repeated redirect_uri → 400 page, no Location', async () => {
    expectPageWithoutRedirect(
      await browser.get(authorizePath(authorizeParams(seeded, { redirect_uri: undefined }))),
    );
    const repeated = authorizeParams(seeded, { redirect_uri: [seeded.redirectUri, seeded.redirectUri] });
    expectPageWithoutRedirect(await browser.get(authorizePath(repeated)));
  });

  it('unknown, missing, repeated or disabled client → 400 page, no Location (signed in or not)', async () => {
    const disabled = await seedClient(world.stores, { disabled: true });
    const cases = [
      authorizeParams(seeded, { client_id: 'gh_doesnotexist' }),
      authorizeParams(seeded, { client_id: undefined }),
      authorizeParams(seeded, { client_id: [seeded.client.clientId, seeded.client.clientId] }),
      authorizeParams(disabled),
    ];
    for (const params of cases) {
      expectPageWithoutRedirect(await browser.get(authorizePath(params)));
      expectPageWithoutRedirect(await new Browser(world.app).get(authorizePath(params)));
    }
  });

  it('a bad client is reported before any other error (no redirect even with a bad response_type)', async () => {
    const response = await browser.get(
      authorizePath(authorizeParams(seeded, { client_id: 'gh_nope', response_type: 'token' })),
    );
    expectPageWithoutRedirect(response);
    expect(response.body).toContain('Unknown application');
  });
});

describe('SECURITY 2–4: every other error redirects with error, state and iss', () => {
  let seeded: SeededClient;
  let browser: Browser;
  beforeAll(async () => {
    seeded = await seedClient(world.stores);
    ({ browser } = await signedInBrowser());
  });

  it.each([
    ['unsupported response_type', { response_type: 'token' }, 'unsupported_response_type'],
    ['missing response_type', { response_type: undefined }, 'invalid_request'],
    ['unknown scope', { scope: 'profile admin' }, 'invalid_scope'],
    ['repeated parameter', { scope: ['profile', 'balance'] }, 'invalid_request'],
    [
      'PKCE plain',
      { code_challenge: s256('x'.repeat(50)), code_challenge_method: 'plain' },
      'invalid_request',
    ],
    ['challenge without method', { code_challenge: s256('x'.repeat(50)) }, 'invalid_request'],
    ['unknown prompt', { prompt: 'create' }, 'invalid_request'],
    ['request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
    ['request_uri', { request_uri: 'https://app.example.com/request.jwt' }, 'request_uri_not_supported'],
    ['claims parameter', { claims: '{"id_token":{"email":null}}' }, 'invalid_request'],
    ['malformed max_age', { max_age: 'soon' }, 'invalid_request'],
  ])('%s → %s with state and iss', async (_name, extra, error) => {
    const params = authorizeParams(seeded, extra as Record<string, string>);
    const response = await browser.get(authorizePath(params));
    expect(response.statusCode).toBe(302);
    const location = response.headers.location as string;
    expect(location.startsWith(`${seeded.redirectUri}?`)).toBe(true);
    const query = locationQuery(response);
    expect(query.error).toBe(error);
    expect(query.error_description).toBeTruthy();
    expect(query.state).toBe(params.state);
    expect(query.iss).toBe(ISSUER);
    expect(query.code).toBeUndefined();
  });

  it('redirects errors even for a signed-out user (validation comes before login)', async () => {
    const params = authorizeParams(seeded, { response_type: 'token' });
    const query = locationQuery(await new Browser(world.app).get(authorizePath(params)));
    expect(query).toMatchObject({ error: 'unsupported_response_type', state: params.state, iss: ISSUER });
  });

  it('missing state → invalid_request redirect without state', async () => {
    const response = await browser.get(authorizePath(authorizeParams(seeded, { state: undefined })));
    const query = locationQuery(response);
    expect(query.error).toBe('invalid_request');
    expect(query.iss).toBe(ISSUER);
    expect('state' in query).toBe(false);
  });

  it('no state but an S256 challenge → a code, redirected without state (SEC-40)', async () => {
    const params = authorizeParams(await seedClient(world.stores), {
      state: undefined,
      code_challenge: s256('n'.repeat(43)),
      code_challenge_method: 'S256',
    });
    const approved = await approve(browser, authorizePath(params));
    expect(approved.statusCode).toBe(303);
    const query = locationQuery(approved);
    expect(query.code).toMatch(/^gth_ac_/);
    expect(query.iss).toBe(ISSUER);
    expect('state' in query).toBe(false);
  });

  it('a state longer than 512 characters → invalid_request (not echoed); exactly 512 is fine', async () => {
    const long = await browser.get(authorizePath(authorizeParams(seeded, { state: 's'.repeat(513) })));
    expect(locationQuery(long)).toEqual({
      error: 'invalid_request',
      error_description: 'state must be at most 512 characters',
      iss: ISSUER,
    });
    const max = await browser.get(authorizePath(authorizeParams(seeded, { state: 's'.repeat(512) })));
    expect(max.statusCode).toBe(200);
  });

  it('non-printable state → invalid_request', async () => {
    const query = locationQuery(await browser.get(authorizePath(authorizeParams(seeded, { state: 'a\tb' }))));
    expect(query.error).toBe('invalid_request');
  });

  it('public clients (no secret) must send PKCE', async () => {
    const publicClient = await seedClient(world.stores, { public: true });
    const without = locationQuery(await browser.get(authorizePath(authorizeParams(publicClient))));
    expect(without.error).toBe('invalid_request');
    expect(without.error_description).toContain('PKCE');
    const params = authorizeParams(publicClient, {
      code_challenge: s256('p'.repeat(43)),
      code_challenge_method: 'S256',
    });
    expect((await browser.get(authorizePath(params))).statusCode).toBe(200);
  });

  it('echoes state byte-identical, odd characters included, through login and consent', async () => {
    const user = await seedUser(world.stores);
    const fresh = new Browser(world.app);
    const state = ` a+b%20c&d=e/f?g#h'"<>\\{}|^~\`!*()[];:@$,=`;
    const params = authorizeParams(seeded, { state });
    const toLogin = await fresh.get(authorizePath(params));
    const returnTo = new URL(toLogin.headers.location as string, ISSUER).searchParams.get('return_to')!;
    const login = await fresh.login(user.username, undefined, returnTo);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe(returnTo);
    const approved = await approve(fresh, login.headers.location as string);
    expect(locationQuery(approved).state).toBe(state);

    const denied = locationQuery(await browser.get(authorizePath({ ...params, response_type: 'token' })));
    expect(denied.state).toBe(state);
  });
});

describe('SECURITY 6: consent decisions', () => {
  it('auto_authorize from an untrusted client still shows consent the first time, with a one-click note', async () => {
    const seeded = await seedClient(world.stores, { trusted: false });
    const { browser } = await signedInBrowser();
    const { response } = await consentPage(
      browser,
      authorizePath(authorizeParams(seeded, { auto_authorize: 'true' })),
    );
    expect(response.body).toContain('one-click sign-in');
  });

  it('auto_authorize from a trusted client issues a code at once (and records the grant)', async () => {
    const seeded = await seedClient(world.stores, { trusted: true });
    const { browser, user } = await signedInBrowser();
    const params = authorizeParams(seeded, { auto_authorize: 'true' });
    const response = await browser.get(authorizePath(params));
    expect(response.statusCode).toBe(302);
    const query = locationQuery(response);
    expect(query.code?.startsWith(TOKEN_PREFIX.authorizationCode)).toBe(true);
    expect(query).toMatchObject({ state: params.state, iss: ISSUER });
    expect((await world.stores.db.grants.find(user.id, seeded.client.id))?.scopes).toEqual(['profile']);
  });

  it('a trusted client without auto_authorize still asks the first time', async () => {
    const seeded = await seedClient(world.stores, { trusted: true });
    const { browser } = await signedInBrowser();
    await consentPage(browser, authorizePath(authorizeParams(seeded)));
  });

  it('a remembered grant covering the request skips consent; a wider scope asks again', async () => {
    const seeded = await seedClient(world.stores);
    const { browser } = await signedInBrowser();
    await approve(browser, authorizePath(authorizeParams(seeded, { scope: 'profile' })));

    const again = await browser.get(authorizePath(authorizeParams(seeded, { scope: 'profile' })));
    expect(again.statusCode).toBe(302);
    expect(locationQuery(again).code).toBeTruthy();

    const wider = await consentPage(
      browser,
      authorizePath(authorizeParams(seeded, { scope: 'profile balance', auto_authorize: 'true' })),
    );
    expect(wider.response.body).toContain('asks for more than you granted');
  });

  it('prompt=consent shows the page despite a covering grant', async () => {
    const seeded = await seedClient(world.stores);
    const { browser } = await signedInBrowser();
    await approve(browser, authorizePath(authorizeParams(seeded)));
    await consentPage(browser, authorizePath(authorizeParams(seeded, { prompt: 'consent' })));
  });

  it('prompt=none: login_required without a session, consent_required without a grant, a code with one', async () => {
    const seeded = await seedClient(world.stores);
    const signedOut = await new Browser(world.app).get(
      authorizePath(authorizeParams(seeded, { prompt: 'none' })),
    );
    expect(locationQuery(signedOut)).toMatchObject({ error: 'login_required', iss: ISSUER });

    const { browser } = await signedInBrowser();
    const params = authorizeParams(seeded, { prompt: 'none' });
    const noGrant = await browser.get(authorizePath(params));
    expect(noGrant.statusCode).toBe(302);
    expect(locationQuery(noGrant)).toMatchObject({
      error: 'consent_required',
      state: params.state,
      iss: ISSUER,
    });

    await approve(browser, authorizePath(authorizeParams(seeded)));
    expect(
      locationQuery(await browser.get(authorizePath(authorizeParams(seeded, { prompt: 'none' })))).code,
    ).toBeTruthy();
  });

  it('prompt=login asks for the password again, then continues without looping', async () => {
    const seeded = await seedClient(world.stores);
    const { browser, user } = await signedInBrowser();
    await approve(browser, authorizePath(authorizeParams(seeded)));
    const params = authorizeParams(seeded, { prompt: 'login' });
    const toLogin = await browser.get(authorizePath(params));
    expect(toLogin.statusCode).toBe(302);
    const returnTo = new URL(toLogin.headers.location as string, ISSUER).searchParams.get('return_to')!;
    expect(new URL(returnTo, ISSUER).searchParams.has('prompt')).toBe(false);

    const login = await browser.login(user.username, undefined, returnTo);
    const back = await browser.get(login.headers.location as string);
    expect(locationQuery(back)).toMatchObject({ state: params.state, iss: ISSUER });
    expect(locationQuery(back).code).toBeTruthy();
  });
});

describe('OpenID Connect parameters', () => {
  it('SEC-45: max_age=0 forces the password again, then continues without looping; prompt=none with it → login_required', async () => {
    const seeded = await seedClient(world.stores);
    const { browser, user } = await signedInBrowser();
    await approve(browser, authorizePath(authorizeParams(seeded)));
    const params = authorizeParams(seeded, { max_age: '0' });
    const toLogin = await browser.get(authorizePath(params));
    expect(new URL(toLogin.headers.location as string, ISSUER).pathname).toBe('/login');
    const returnTo = new URL(toLogin.headers.location as string, ISSUER).searchParams.get('return_to')!;
    expect(new URL(returnTo, ISSUER).searchParams.has('max_age')).toBe(false);
    const login = await browser.login(user.username, undefined, returnTo);
    const back = await browser.get(login.headers.location as string);
    expect(locationQuery(back).code).toBeTruthy();

    const silent = await browser.get(
      authorizePath(authorizeParams(seeded, { max_age: '0', prompt: 'none' })),
    );
    expect(locationQuery(silent)).toMatchObject({ error: 'login_required', iss: ISSUER });
    // A recent enough sign-in passes max_age without a page.
    const recent = await browser.get(authorizePath(authorizeParams(seeded, { max_age: '3600' })));
    expect(locationQuery(recent).code).toBeTruthy();
  });

  it('binds the nonce, the sign-in time and the session to the code, through the consent page too (SEC-44)', async () => {
    const seeded = await seedClient(world.stores);
    const { browser } = await signedInBrowser();
    const params = authorizeParams(seeded, { scope: 'openid profile', nonce: 'n-0S6_WzA2Mj' });
    const approved = await approve(browser, authorizePath(params));
    const code = locationQuery(approved).code!;
    const stored = await world.stores.cache.codes.consume(sha256Hex(code), 60);
    expect(stored.kind).toBe('fresh');
    if (stored.kind !== 'fresh') return;
    expect(stored.data).toMatchObject({
      scopes: ['openid', 'profile'],
      nonce: 'n-0S6_WzA2Mj',
      sid: expect.stringMatching(/^[0-9a-f]{32}$/),
      authTime: expect.any(Number),
    });
  });

  it('login_hint prefills the username on the login page, escaped; it signs nobody in', async () => {
    const seeded = await seedClient(world.stores);
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app);
    const toLogin = await browser.get(authorizePath(authorizeParams(seeded, { login_hint: user.username })));
    expect(toLogin.statusCode).toBe(302);
    const loginPage = await browser.get(toLogin.headers.location as string);
    expect(loginPage.statusCode).toBe(200);
    expect(loginPage.body).toMatch(new RegExp(`<input id="username"[^>]* value="${user.username}">`));
    expect(loginPage.body).toMatch(/<input id="password"[^>]*>/);
    expect(loginPage.body).not.toMatch(/<input id="password"[^>]* value=/);

    const hostile = '"><script>alert(1)</script>';
    const hostilePage = await browser.get(
      (await browser.get(authorizePath(authorizeParams(seeded, { login_hint: hostile })))).headers
        .location as string,
    );
    expect(hostilePage.body).not.toContain('<script>alert(1)</script>');
    expect(hostilePage.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');

    // Not a hint the field could hold: nothing is prefilled. Without a hint, nothing either.
    for (const params of [{ login_hint: 'two\nlines' }, {}]) {
      const page = await browser.get(
        (await browser.get(authorizePath(authorizeParams(seeded, params)))).headers.location as string,
      );
      expect(page.body).toMatch(/<input id="username"[^>]* value="">/);
    }
    // A login_hint in a return_to that is not an authorization request is ignored.
    const elsewhere = await browser.get(`/login?return_to=${encodeURIComponent('/account?login_hint=x')}`);
    expect(elsewhere.body).toMatch(/<input id="username"[^>]* value="">/);
  });

  it('select_account asks for the password again like login', async () => {
    const seeded = await seedClient(world.stores);
    const { browser } = await signedInBrowser();
    await approve(browser, authorizePath(authorizeParams(seeded)));
    const response = await browser.get(authorizePath(authorizeParams(seeded, { prompt: 'select_account' })));
    expect(new URL(response.headers.location as string, ISSUER).pathname).toBe('/login');
  });
});

describe('POST /api/oauth2/authorize — the consent form', () => {
  let seeded: SeededClient;
  beforeAll(async () => {
    seeded = await seedClient(world.stores);
  });

  it('deny → 303 access_denied with state and iss; no code, no grant; audited', async () => {
    const { browser, user } = await signedInBrowser();
    const params = authorizeParams(seeded);
    const { requestId, csrf } = await consentPage(browser, authorizePath(params));
    const response = await browser.post('/api/oauth2/authorize', {
      request_id: requestId,
      decision: 'deny',
      _csrf: csrf,
    });
    expect(response.statusCode).toBe(303);
    expect(locationQuery(response)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied the request',
      state: params.state,
      iss: ISSUER,
    });
    expect(await world.stores.db.grants.find(user.id, seeded.client.id)).toBeNull();
    expect(
      await world.stores.db.audit.list({ userId: user.id, type: 'consent.denied', limit: 5 }),
    ).toHaveLength(1);
  });

  it('SECURITY 7: approve answers 303, never 307', async () => {
    const { browser } = await signedInBrowser();
    const response = await approve(browser, authorizePath(authorizeParams(seeded)));
    expect(response.statusCode).toBe(303);
  });

  it('a consent form can be answered once only', async () => {
    const { browser } = await signedInBrowser();
    const { requestId, csrf } = await consentPage(browser, authorizePath(authorizeParams(seeded)));
    const form = { request_id: requestId, decision: 'approve', _csrf: csrf };
    const [first, second] = await Promise.all([
      browser.post('/api/oauth2/authorize', form),
      browser.post('/api/oauth2/authorize', form),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([303, 400]);
    const failed = first.statusCode === 400 ? first : second;
    expect(failed.headers.location).toBeUndefined();
  });

  it("another user cannot answer someone else's consent form", async () => {
    const { browser: alice } = await signedInBrowser();
    const { browser: mallory } = await signedInBrowser();
    const { requestId } = await consentPage(alice, authorizePath(authorizeParams(seeded)));
    const response = await mallory.post('/api/oauth2/authorize', {
      request_id: requestId,
      decision: 'approve',
      _csrf: await mallory.sessionCsrf(),
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });

  it('SECURITY 16: without the CSRF token, with a wrong one, or from a foreign Origin → 403', async () => {
    const { browser } = await signedInBrowser();
    const { requestId, csrf } = await consentPage(browser, authorizePath(authorizeParams(seeded)));
    const form = { request_id: requestId, decision: 'approve' };
    const missing = await browser.post('/api/oauth2/authorize', form);
    const wrong = await browser.post('/api/oauth2/authorize', { ...form, _csrf: `${csrf.slice(0, -1)}x` });
    const foreign = await browser.post(
      '/api/oauth2/authorize',
      { ...form, _csrf: csrf },
      { origin: 'https://evil.example' },
    );
    const crossSite = await browser.post(
      '/api/oauth2/authorize',
      { ...form, _csrf: csrf },
      { 'sec-fetch-site': 'cross-site', origin: undefined },
    );
    // A sandboxed cross-site frame posts with Origin: null; Sec-Fetch-Site gives it away.
    const nullCrossSite = await browser.post(
      '/api/oauth2/authorize',
      { ...form, _csrf: csrf },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
    );
    for (const response of [missing, wrong, foreign, crossSite, nullCrossSite]) {
      expect(response.statusCode).toBe(403);
      expect(response.headers.location).toBeUndefined();
    }
    // The refused posts did not consume the request: the real form still works.
    const ok = await browser.post('/api/oauth2/authorize', { ...form, _csrf: csrf });
    expect(ok.statusCode).toBe(303);
  });

  it('accepts our own form posts as Chromium sends them under Referrer-Policy no-referrer (Origin: null)', async () => {
    const { browser } = await signedInBrowser();
    const { requestId, csrf } = await consentPage(browser, authorizePath(authorizeParams(seeded)));
    const response = await browser.post(
      '/api/oauth2/authorize',
      { request_id: requestId, decision: 'approve', _csrf: csrf },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/[?&]code=/);
  });
});

describe('SECURITY 8: no CORS headers', () => {
  it('answers the authorize endpoint (GET, POST, preflight) without any Access-Control-* header', async () => {
    const seeded = await seedClient(world.stores);
    const { browser } = await signedInBrowser();
    const headers = { origin: 'https://evil.example' };
    const responses = [
      await browser.get(authorizePath(authorizeParams(seeded)), headers),
      await browser.post('/api/oauth2/authorize', { decision: 'approve' }, headers),
      await browser.request('/api/oauth2/authorize', {
        method: 'OPTIONS',
        headers: { ...headers, 'access-control-request-method': 'POST' },
      }),
    ];
    for (const response of responses) {
      const cors = Object.keys(response.headers).filter((h) => h.startsWith('access-control-'));
      expect(cors).toEqual([]);
    }
  });
});

describe('sessions of disabled users', () => {
  it('stop working at once: the authorize endpoint sends them to login', async () => {
    const seeded = await seedClient(world.stores);
    const { browser, user } = await signedInBrowser();
    await world.stores.db.users.setStatus(user.id, 'disabled');
    const response = await browser.get(authorizePath(authorizeParams(seeded)));
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toMatch(/^\/login\?return_to=/);
  });
});
