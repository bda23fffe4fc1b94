import { describe, expect, it } from 'vitest';
import {
  Browser,
  buildApp,
  hiddenField,
  nextAddress,
  productionConfig,
  useAuthorizeApp,
} from '../testing/harness.js';
import { expectPageHeaders, textOf, unescapeHtml } from '../testing/people.js';
import { EMAIL_TAKEN, SIGNUP_THROTTLE, USERNAME_TAKEN } from './signup.js';

const world = useAuthorizeApp();

let n = 0;
function newPerson() {
  n += 1;
  const username = `new_${n}_${Math.random().toString(36).slice(2, 8)}`;
  return { username, email: `${username}@example.com`, password: 'a long enough password' };
}

async function signUp(browser: Browser, form: Record<string, string>, path = '/signup') {
  const page = await browser.get(path);
  return browser.post(path, { ...form, _csrf: hiddenField(page.body, '_csrf', '/signup') });
}

describe('GET /signup', () => {
  it('shows a labelled form with username, email, password and a pre-session CSRF token', async () => {
    const browser = new Browser(world.app);
    const page = await browser.get('/signup');
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page, 'signup');
    for (const name of ['username', 'email', 'password']) {
      expect(page.body).toContain(`<label for="${name}">`);
      expect(page.body).toContain(`name="${name}"`);
    }
    expect(page.body).toContain('minlength="10"');
    expect(hiddenField(page.body, '_csrf', '/signup')).toBe(browser.cookies.get('gh_csrf'));
    expect(page.body).toContain('href="/login"');
  });

  it('is linked from the login page, keeping return_to', async () => {
    const returnTo = '/api/oauth2/authorize?client_id=x&state=y';
    const login = await new Browser(world.app).get(`/login?return_to=${encodeURIComponent(returnTo)}`);
    expect(unescapeHtml(login.body)).toContain(`href="/signup?return_to=${encodeURIComponent(returnTo)}"`);
    expect(login.body).toContain('Create an account');
  });
});

describe('POST /signup', () => {
  it('creates the user (argon2id), signs them in with a new session and sends them to /account', async () => {
    const person = newPerson();
    const browser = new Browser(world.app);
    const response = await signUp(browser, person);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account');
    expect(browser.cookies.get('gh_session')).toMatch(/^gth_ss_/);

    const user = await world.stores.db.users.findByLogin(person.username);
    expect(user).toMatchObject({ username: person.username, email: person.email, status: 'active' });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);

    const account = await browser.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain(person.username);

    const events = await world.stores.db.audit.list({ userId: user!.id, type: 'user.signed_up', limit: 5 });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(person.password);

    // The new account can sign in again with its password.
    const again = new Browser(world.app);
    expect((await again.login(person.username, person.password)).statusCode).toBe(303);
  });

  it('continues to a same-origin return_to, and refuses any other', async () => {
    const target = '/api/oauth2/authorize?client_id=abc&state=s';
    const ok = await signUp(
      new Browser(world.app),
      newPerson(),
      `/signup?return_to=${encodeURIComponent(target)}`,
    );
    expect(ok.headers.location).toBe(target);
    const evil = await signUp(
      new Browser(world.app),
      newPerson(),
      `/signup?return_to=${encodeURIComponent('//evil.example')}`,
    );
    expect(evil.headers.location).toBe('/account');
  });

  it('shows each problem next to its field (aria-describedby), keeps what was typed except the password', async () => {
    const browser = new Browser(world.app);
    const response = await signUp(browser, { username: 'ab', email: 'not-an-email', password: 'short pw1' });
    expect(response.statusCode).toBe(400);
    expect(browser.cookies.has('gh_session')).toBe(false);
    expect(textOf(response.body, 'username-error')).toMatch(/Username must be 3 to 32 characters \(got 2\)/);
    expect(textOf(response.body, 'email-error')).toMatch(/Email address must look like name@example.com/);
    expect(textOf(response.body, 'password-error')).toMatch(
      /Password must be at least 10 characters \(got 9\)/,
    );
    expect(response.body).toMatch(
      /id="password"[^>]*aria-describedby="password-hint password-error"[^>]*aria-invalid="true"/,
    );
    expect(response.body).toContain('value="ab"');
    expect(response.body).toContain('value="not-an-email"');
    expect(response.body).not.toContain('short pw1');
  });

  it('refuses a taken username (any case) with a clear message', async () => {
    const first = newPerson();
    expect((await signUp(new Browser(world.app), first)).statusCode).toBe(303);
    const browser = new Browser(world.app);
    const response = await signUp(browser, { ...newPerson(), username: first.username.toUpperCase() });
    expect(response.statusCode).toBe(409);
    expect(textOf(response.body, 'username-error')).toContain(USERNAME_TAKEN);
    expect(response.body).toContain('That username is taken');
    expect(response.body).not.toContain('id="email-error"');
    expect(browser.cookies.has('gh_session')).toBe(false);
  });

  it('refuses a taken email, and reports both clashes at once', async () => {
    const first = newPerson();
    await signUp(new Browser(world.app), first);
    const email = await signUp(new Browser(world.app), { ...newPerson(), email: first.email.toUpperCase() });
    expect(email.statusCode).toBe(409);
    expect(textOf(email.body, 'email-error')).toContain(EMAIL_TAKEN);

    const both = await signUp(new Browser(world.app), {
      ...newPerson(),
      username: first.username,
      email: first.email,
    });
    expect(textOf(both.body, 'username-error')).toContain(USERNAME_TAKEN);
    expect(textOf(both.body, 'email-error')).toContain(EMAIL_TAKEN);
  });

  it('a sign-up while signed in replaces the old session', async () => {
    const browser = new Browser(world.app);
    await signUp(browser, newPerson());
    const oldSession = browser.cookies.get('gh_session')!;
    const second = newPerson();
    await signUp(browser, second);
    expect(browser.cookies.get('gh_session')).not.toBe(oldSession);
    const stale = await world.app.inject({ url: '/account', cookies: { gh_session: oldSession } });
    expect(stale.statusCode).toBe(302);
    expect((await browser.get('/account')).body).toContain(second.username);
  });

  it('SECURITY 16: 403 without the CSRF token or from a foreign origin; nothing is created', async () => {
    const person = newPerson();
    const browser = new Browser(world.app);
    const page = await browser.get('/signup');
    const missing = await browser.post('/signup', person);
    expect(missing.statusCode).toBe(403);
    const foreign = await browser.post(
      '/signup',
      { ...person, _csrf: hiddenField(page.body, '_csrf', '/signup') },
      { origin: 'https://evil.example' },
    );
    expect(foreign.statusCode).toBe(403);
    expect(await world.stores.db.users.findByLogin(person.username)).toBeNull();
  });

  it('throttles sign-ups from one address: 429 with Retry-After', async () => {
    const address = nextAddress();
    for (let i = 0; i < SIGNUP_THROTTLE.perAddress; i++) {
      await world.stores.cache.rateLimits.hit(`signup:addr:${address}`, SIGNUP_THROTTLE.windowSeconds);
    }
    const person = newPerson();
    const response = await signUp(new Browser(world.app, address), person);
    expect(response.statusCode).toBe(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(await world.stores.db.users.findByLogin(person.username)).toBeNull();
    // Another address is not affected.
    expect((await signUp(new Browser(world.app), newPerson())).statusCode).toBe(303);
  });

  it('production: the CSRF cookie and the session cookie are __Host- and Secure', async () => {
    const production = await buildApp(world.stores, productionConfig());
    try {
      const browser = new Browser(production, undefined, 'https://id.example.com');
      const response = await signUp(browser, newPerson());
      expect(response.statusCode).toBe(303);
      const cookies = String(response.headers['set-cookie']);
      expect(cookies).toMatch(/__Host-gh_session=[^;]+;.*Secure/);
      expect(cookies).toMatch(/HttpOnly/);
      expect(cookies).toMatch(/SameSite=Lax/);
    } finally {
      await production.close();
    }
  });
});
