import { describe, expect, it } from 'vitest';
import { Browser, type OutgoingRequest } from './browser.js';
import { CookieJar } from './cookie-jar.js';

const site = new URL('http://localhost:3000/login');
const secureSite = new URL('https://id.example.com/login');

describe('CookieJar', () => {
  it('sends what Set-Cookie stored, raw, and reads values percent-decoded', () => {
    const jar = new CookieJar();
    jar.store('gh_csrf=a%2Fb; Path=/; HttpOnly; SameSite=Lax', site);
    jar.store('gh_session=gth_ss_1; Path=/', site);
    expect(jar.header(new URL('http://localhost:3000/account'))).toBe('gh_csrf=a%2Fb; gh_session=gth_ss_1');
    expect(jar.get('gh_csrf')).toBe('a/b');
    expect([...jar]).toEqual([
      ['gh_csrf', 'a/b'],
      ['gh_session', 'gth_ss_1'],
    ]);
    jar.store('gh_session=gth_ss_2; Path=/', site);
    expect(jar.get('gh_session')).toBe('gth_ss_2');
  });

  it('deletes on Max-Age=0, a past Expires or an empty value, and stops sending once expired', () => {
    const jar = new CookieJar();
    for (const name of ['a', 'b', 'c', 'd']) jar.store(`${name}=1; Path=/`, site);
    jar.store('a=1; Path=/; Max-Age=0', site);
    jar.store('b=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', site);
    jar.store('c=; Path=/', site);
    expect([...jar.keys()]).toEqual(['d']);

    const now = Date.parse('2026-01-01T00:00:00Z');
    jar.store('e=1; Path=/; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT', site, now);
    expect(jar.header(site, now + 59_000)).toBe('d=1; e=1');
    expect(jar.header(site, now + 60_000)).toBe('d=1');
  });

  it('sends a cookie only below its Path (default: the directory of the page that set it)', () => {
    const jar = new CookieJar();
    jar.store('scoped=1; Path=/account', site);
    jar.store('dir=1', new URL('http://localhost:3000/console/apps'));
    const at = (path: string) => jar.header(new URL(path, site));
    expect(at('/account')).toBe('scoped=1');
    expect(at('/account/security')).toBe('scoped=1');
    expect(at('/accounts')).toBeUndefined();
    expect(at('/console/apps/1')).toBe('dir=1');
    expect(at('/')).toBeUndefined();
  });

  it('keeps Secure cookies to secure contexts and enforces the __Host- and __Secure- prefixes', () => {
    const jar = new CookieJar();
    const plain = new URL('http://id.example.com/login');
    jar.store('__Host-gh_session=s; Path=/; Secure', secureSite);
    jar.store('__Host-no_secure=x; Path=/', secureSite);
    jar.store('__Host-sub_path=x; Path=/account; Secure', secureSite);
    jar.store('__Host-domain=x; Path=/; Secure; Domain=example.com', secureSite);
    jar.store('__Secure-no_secure=x; Path=/', secureSite);
    jar.store('from_plain=x; Path=/; Secure', plain);
    jar.store('foreign=x; Path=/; Domain=other.example', secureSite);
    expect([...jar.keys()]).toEqual(['__Host-gh_session']);
    expect(jar.header(secureSite)).toBe('__Host-gh_session=s');
    expect(jar.header(plain)).toBeUndefined();
    // http://localhost is a secure context, as browsers treat it.
    const local = new CookieJar();
    local.store('__Host-local=1; Path=/; Secure', site);
    expect(local.header(site)).toBe('__Host-local=1');
  });
});

describe('Browser', () => {
  function recording(setCookie: string[] = []) {
    const sent: OutgoingRequest[] = [];
    const browser = new Browser('http://localhost:3000', {
      send: async (request) => {
        sent.push(request);
        return { setCookie };
      },
      setCookies: (response: { setCookie: string[] }) => response.setCookie,
    });
    return { browser, sent };
  }

  it('posts forms url-encoded with Origin; headers given override (undefined removes one)', async () => {
    const { browser, sent } = recording();
    await browser.post('/login', { username: 'ann', skipped: undefined });
    await browser.post('/login', { username: 'ann' }, { origin: undefined, 'X-Extra': '1' });
    expect(sent[0]).toMatchObject({
      method: 'POST',
      body: 'username=ann',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' },
    });
    expect(sent[1]!.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded', 'x-extra': '1' });
  });

  it('keeps cookies of its own origin only', async () => {
    const { browser, sent } = recording(['gh_session=s; Path=/']);
    await browser.get('https://app.example.com/callback');
    expect(browser.cookies.size).toBe(0);
    await browser.get('/login');
    await browser.get('https://app.example.com/callback');
    await browser.get('/account');
    expect(sent.map((request) => request.headers.cookie)).toEqual([
      undefined,
      undefined,
      undefined,
      'gh_session=s',
    ]);
  });
});
