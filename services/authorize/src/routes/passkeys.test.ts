import { describe, expect, it } from 'vitest';
import { Browser, hiddenField, PASSWORD, useAuthorizeApp } from '../testing/harness.js';
import { signedInBrowser, unescapeHtml } from '../testing/people.js';
import { WEBAUTHN_BUNDLE_PATH } from './passkeys.js';

const world = useAuthorizeApp();

/** The passkey pages allow scripts from our own origin only, nothing inline, nothing framed. */
function expectPasskeyPageCsp(csp: unknown) {
  const text = String(csp);
  expect(text).toContain("script-src 'self'");
  expect(text).not.toContain('unsafe-inline');
  expect(text).not.toContain('unsafe-eval');
  expect(text).toContain("frame-ancestors 'none'");
  expect(text).toContain("default-src 'none'");
}

const optionsOf = (html: string) => JSON.parse(unescapeHtml(/data-options="([^"]*)"/.exec(html)![1]!));

describe('passkey pages', () => {
  it('serve the SimpleWebAuthn bundle and passkeys.js from our origin', async () => {
    const bundle = await world.app.inject(WEBAUTHN_BUNDLE_PATH);
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^text\/javascript/);
    expect(bundle.body).toContain('SimpleWebAuthnBrowser');
    const script = await world.app.inject('/assets/passkeys.js');
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('startAuthentication');
  });

  it('/login/passkey: options for a discoverable passkey with user verification, own scripts only', async () => {
    const page = await new Browser(world.app).get('/login/passkey');
    expect(page.statusCode).toBe(200);
    expectPasskeyPageCsp(page.headers['content-security-policy']);
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc="\/assets\/)/);
    const options = optionsOf(page.body);
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The password login page stays without script.
    expect(String((await new Browser(world.app).get('/login')).headers['content-security-policy'])).toContain(
      "script-src 'none'",
    );
  });

  it('/login/passkey refuses a response that is missing, malformed or answers no challenge of this browser', async () => {
    const browser = new Browser(world.app);
    const page = await browser.get('/login/passkey');
    const csrf = hiddenField(page.body, '_csrf', '/login/passkey');
    for (const response of [undefined, 'not json', JSON.stringify({ id: 'unknown', response: {} })]) {
      const post = await browser.post('/login/passkey', { _csrf: csrf, response });
      expect(post.statusCode).toBe(400);
      expect(post.body).toContain('could not be used');
    }
    expect((await browser.get('/account')).statusCode).toBe(302);
  });

  it('adding a passkey needs the current password, then shows registration options for this account', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const csrf = await browser.sessionCsrf();
    const wrong = await browser.post('/account/passkeys/new', {
      _csrf: csrf,
      name: 'Laptop',
      current_password: 'no',
    });
    expect(wrong.statusCode).toBe(400);
    const unnamed = await browser.post('/account/passkeys/new', {
      _csrf: csrf,
      name: ' ',
      current_password: PASSWORD,
    });
    expect(unnamed.statusCode).toBe(400);

    const page = await browser.post('/account/passkeys/new', {
      _csrf: csrf,
      name: 'Laptop',
      current_password: PASSWORD,
    });
    expect(page.statusCode).toBe(200);
    expectPasskeyPageCsp(page.headers['content-security-policy']);
    const options = optionsOf(page.body);
    expect(options).toMatchObject({
      rp: { id: 'localhost', name: 'Gatehouse' },
      user: { name: user.username },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    // A forged registration answers 400 and stores nothing; the challenge is spent.
    const forged = await browser.post('/account/passkeys', {
      _csrf: csrf,
      response: JSON.stringify({ id: 'x', rawId: 'x', type: 'public-key', response: {} }),
    });
    expect(forged.statusCode).toBe(400);
    expect(await world.stores.db.passkeys.listByUser(user.id)).toEqual([]);
    const noCsrf = await browser.post('/account/passkeys/new', {
      name: 'Laptop',
      current_password: PASSWORD,
    });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('a user with a passkey is asked for a second factor after the password; the page offers the passkey', async () => {
    const { user, browser: owner } = await signedInBrowser(world.app, world.stores);
    await world.stores.db.passkeys.add(
      {
        userId: user.id,
        credentialId: 'cred-1',
        publicKey: 'pQ',
        counter: 0,
        transports: ['internal'],
        name: 'Laptop',
      },
      new Date(),
    );
    expect((await owner.get('/account')).body).toContain('Laptop');
    const browser = new Browser(world.app);
    const login = await browser.login(user.username);
    expect(login.headers.location).toBe('/login/second-factor');
    const form = await browser.get('/login/second-factor');
    expectPasskeyPageCsp(form.headers['content-security-policy']);
    expect(form.body).not.toContain('name="code"');
    expect(optionsOf(form.body).allowCredentials).toEqual([
      { id: 'cred-1', type: 'public-key', transports: ['internal'] },
    ]);
    const bad = await browser.post('/login/second-factor/passkey', {
      _csrf: hiddenField(form.body, '_csrf', '/login/second-factor/passkey'),
      response: JSON.stringify({ id: 'cred-1', response: {} }),
    });
    expect(bad.statusCode).toBe(400);
    expect((await browser.get('/account')).statusCode).toBe(302);
  });
});
