import { sha256Hex } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE } from '../browser/throttle.js';
import {
  Browser,
  hiddenField,
  nextAddress,
  PASSWORD,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';
import { LOGIN_FAILED_MESSAGE } from './login.js';

const world = useAuthorizeApp({ production: true });

const address = nextAddress;

function setCookie(response: { headers: Record<string, unknown> }, name: string): string {
  const raw = response.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw as string] : [];
  const found = all.find((c: string) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no Set-Cookie for ${name} in ${JSON.stringify(all)}`);
  return found;
}

describe('login', () => {
  it('signs in by username or email: 303 to return_to, audited without the password', async () => {
    const user = await seedUser(world.stores);
    const byName = await new Browser(world.app, address()).login(
      user.username,
      PASSWORD,
      '/account?tab=apps',
    );
    expect(byName.statusCode).toBe(303);
    expect(byName.headers.location).toBe('/account?tab=apps');

    const byEmail = await new Browser(world.app, address()).login(user.email.toUpperCase());
    expect(byEmail.statusCode).toBe(303);
    expect(byEmail.headers.location).toBe('/account');

    const events = await world.stores.db.audit.list({ userId: user.id, type: 'login.succeeded', limit: 5 });
    expect(events).toHaveLength(2);
  });

  it('shows the same message, status and audit shape for an unknown user and a wrong password', async () => {
    const user = await seedUser(world.stores);
    const unknown = await new Browser(world.app, address()).login('nobody-by-this-name', PASSWORD);
    const wrong = await new Browser(world.app, address()).login(user.username, 'wrong password');
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(wrong.statusCode).toBe(400);
    const message = (html: string) => /<p class="alert" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(unknown.body)).toBe(LOGIN_FAILED_MESSAGE);
    expect(message(wrong.body)).toBe(LOGIN_FAILED_MESSAGE);
    expect(wrong.headers['set-cookie']?.toString() ?? '').not.toContain('gh_session');

    const failures = await world.stores.db.audit.list({ userId: user.id, type: 'login.failed', limit: 5 });
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures)).not.toContain('wrong password');
  });

  it('refuses a disabled user even with the right password', async () => {
    const user = await seedUser(world.stores, { disabled: true });
    const browser = new Browser(world.app, address());
    const response = await browser.login(user.username);
    expect(response.statusCode).toBe(403);
    expect(response.headers.location).toBeUndefined();
    expect(browser.cookies.has('gh_session')).toBe(false);
  });

  it('SECURITY 16: the login form needs its CSRF token (double-submit) and a same-origin Origin', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, address());
    const form = await browser.get('/login');
    const csrf = hiddenField(form.body, '_csrf');
    const credentials = { username: user.username, password: PASSWORD };

    expect((await browser.post('/login', credentials)).statusCode).toBe(403);
    expect((await browser.post('/login', { ...credentials, _csrf: 'x'.repeat(43) })).statusCode).toBe(403);
    expect(
      (await browser.post('/login', { ...credentials, _csrf: csrf }, { origin: 'https://evil.example' }))
        .statusCode,
    ).toBe(403);
    // A token without its cookie (another browser's token) is refused too.
    const stranger = new Browser(world.app, address());
    expect((await stranger.post('/login', { ...credentials, _csrf: csrf })).statusCode).toBe(403);

    expect((await browser.post('/login', { ...credentials, _csrf: csrf })).statusCode).toBe(303);
  });
});

describe('SECURITY 17: session cookies', () => {
  it('development: gh_session, HttpOnly, SameSite=Lax, Path=/, not Secure', async () => {
    const user = await seedUser(world.stores);
    const response = await new Browser(world.app, address()).login(user.username);
    const cookie = setCookie(response, 'gh_session');
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    expect(cookie).not.toMatch(/; Domain=/i);
  });

  it('production: __Host-gh_session with Secure (and the same for the login CSRF cookie)', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.production, address(), 'https://id.example.com');
    const form = await browser.get('/login');
    const csrfCookie = setCookie(form, '__Host-gh_csrf');
    expect(csrfCookie).toMatch(/; Secure/);
    expect(csrfCookie).toMatch(/; HttpOnly/);

    const response = await browser.post('/login', {
      username: user.username,
      password: PASSWORD,
      _csrf: hiddenField(form.body, '_csrf'),
    });
    expect(response.statusCode).toBe(303);
    const cookie = setCookie(response, '__Host-gh_session');
    for (const flag of ['; Secure', '; HttpOnly', '; SameSite=Lax', '; Path=/'])
      expect(cookie).toContain(flag);
    expect(cookie).not.toMatch(/; Domain=/i);
    expect(response.headers['set-cookie']?.toString()).not.toMatch(/(^|, )gh_session=/);
  });

  it('issues a new session id at every login (a planted or earlier id is never kept)', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, address());
    await browser.login(user.username);
    const first = browser.cookies.get('gh_session')!;
    await browser.login(user.username);
    const second = browser.cookies.get('gh_session')!;
    expect(second).not.toBe(first);
    // The earlier session is gone server-side.
    expect(await world.stores.cache.sessions.get(sha256Hex(first))).toBeNull();
    expect(await world.stores.cache.sessions.get(sha256Hex(second))).toMatchObject({ userId: user.id });

    const planted = `gth_ss_${'A'.repeat(43)}`;
    const victim = new Browser(world.app, address());
    victim.cookies.set('gh_session', planted);
    await victim.login(user.username);
    expect(victim.cookies.get('gh_session')).not.toBe(planted);
  });

  it('logout destroys the session server-side: the old cookie no longer works', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, address());
    await browser.login(user.username);
    const cookie = browser.cookies.get('gh_session')!;
    const csrf = await browser.sessionCsrf();

    const logout = await browser.post('/logout', { _csrf: csrf });
    expect(logout.statusCode).toBe(303);
    expect(logout.headers.location).toBe('/login');
    expect(await world.stores.cache.sessions.get(sha256Hex(cookie))).toBeNull();

    const replay = await world.app.inject({
      method: 'GET',
      url: '/account',
      cookies: { gh_session: cookie },
    });
    expect(replay.statusCode).toBe(302);
    expect(replay.headers.location).toBe('/login?return_to=%2Faccount');
  });

  it('SECURITY 16: logout without the CSRF token or from a foreign Origin → 403, session kept', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, address());
    await browser.login(user.username);
    const csrf = await browser.sessionCsrf();
    expect((await browser.post('/logout', {})).statusCode).toBe(403);
    expect(
      (await browser.post('/logout', { _csrf: csrf }, { origin: 'null', 'sec-fetch-site': 'cross-site' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await browser.post('/logout', { _csrf: csrf }, { origin: 'http://localhost:3001' })).statusCode,
    ).toBe(403);
    expect((await browser.get('/account')).statusCode).toBe(200);
  });
});

describe('SECURITY 19: login throttling', () => {
  it('repeated failures for one account from one address → 429 with Retry-After, even with the right password', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, address());
    for (let i = 0; i < LOGIN_THROTTLE.failuresPerAccountAndAddress; i++) {
      expect((await browser.login(user.username, `wrong-${i}`)).statusCode).toBe(400);
    }
    const blocked = await browser.login(user.username);
    expect(blocked.statusCode).toBe(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_THROTTLE.windowSeconds);
    expect(blocked.body).toContain('Too many sign-in attempts');
    expect(browser.cookies.has('gh_session')).toBe(false);
  });

  it('failures across many accounts from one address → 429', async () => {
    const browser = new Browser(world.app, address());
    for (let i = 0; i < LOGIN_THROTTLE.failuresPerAddress; i++) {
      expect((await browser.login(`spray-${i}-${browser.address}`, 'guess')).statusCode).toBe(400);
    }
    const blocked = await browser.login(`spray-last-${browser.address}`, 'guess');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a flood from one address does not lock the real user out from another address', async () => {
    const user = await seedUser(world.stores);
    const attacker = new Browser(world.app, address());
    const flood = 30 + LOGIN_THROTTLE.failuresPerAddress;
    let throttled = 0;
    for (let i = 0; i < flood; i++) {
      if ((await attacker.login(user.username, `guess-${i}`)).statusCode === 429) throttled += 1;
    }
    expect(throttled).toBe(flood - LOGIN_THROTTLE.failuresPerAccountAndAddress);

    const owner = await new Browser(world.app, address()).login(user.username);
    expect(owner.statusCode).toBe(303);
  });

  it('successful logins of many people behind one address are not throttled', async () => {
    const shared = address();
    for (let i = 0; i < LOGIN_THROTTLE.failuresPerAddress + 5; i++) {
      const user = await seedUser(world.stores);
      expect((await new Browser(world.app, shared).login(user.username)).statusCode).toBe(303);
    }
  });

  it('a successful login clears the account × address counter', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, address());
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < LOGIN_THROTTLE.failuresPerAccountAndAddress - 1; i++)
        await browser.login(user.username, 'typo');
      expect((await browser.login(user.username)).statusCode).toBe(303);
    }
  });
});

describe('SECURITY 20: return_to accepts only same-origin relative paths', () => {
  it.each([
    '//evil.example/x',
    '/\\evil.example/x',
    '\\\\evil.example',
    'https://evil.example/',
    'http://localhost:3000.evil.example/',
    'javascript:alert(1)',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /account',
    'account',
    '/%0d%0aSet-Cookie:%20x=y'.replace(/%0d%0a/, '\r\n'),
  ])('refuses %j and lands on /account', async (returnTo) => {
    const user = await seedUser(world.stores);
    const response = await new Browser(world.app, address()).login(user.username, PASSWORD, returnTo);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account');
  });

  it('keeps a relative path with its query', async () => {
    const user = await seedUser(world.stores);
    const target = '/api/oauth2/authorize?client_id=x&state=a%20b';
    const response = await new Browser(world.app, address()).login(user.username, PASSWORD, target);
    expect(response.headers.location).toBe(target);
  });

  it('does not put a refused return_to into the login form', async () => {
    const form = await new Browser(world.app, address()).get(
      `/login?return_to=${encodeURIComponent('//evil.example')}`,
    );
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain('evil.example');
  });
});

describe('account placeholder', () => {
  it('/ and /account send signed-out users to login; signed-in users see who they are', async () => {
    const signedOut = new Browser(world.app, address());
    expect((await signedOut.get('/')).headers.location).toBe('/login');
    expect((await signedOut.get('/account')).headers.location).toBe('/login?return_to=%2Faccount');

    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, address());
    await browser.login(user.username);
    expect((await browser.get('/')).headers.location).toBe('/account');
    const account = await browser.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain(user.username);
    expect(account.body).toContain(user.email);
    expect(account.body).toContain('action="/logout"');
  });
});
