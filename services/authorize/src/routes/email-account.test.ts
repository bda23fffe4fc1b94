import { linkIn, type SmtpSink, startSmtpSink, testConfig } from '@gatehouse/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  buildApp,
  hiddenField,
  ISSUER,
  PASSWORD,
  productionConfig,
  seedClient,
  seedUser,
  unique,
  useAuthorizeApp,
} from '../testing/harness.js';
import { grantAndIssue, tokensAlive } from '../testing/people.js';
import { RESET_SENT_TEXT, RESET_THROTTLE } from './password-reset.js';

let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
});

// After the sink's hooks: its beforeAll runs first (the config needs its URL), its afterAll last.
const world = useAuthorizeApp({
  config: () => testConfig({ ISSUER, SMTP_URL: sink.url, MAIL_FROM: 'Gatehouse <no-reply@id.example.com>' }),
});

const mailTo = (to: string, subject: string) =>
  sink.waitFor((m) => m.to.includes(to) && m.subject === subject);
const pathOf = (link: string) => {
  const url = new URL(link);
  expect(url.origin).toBe(ISSUER);
  return `${url.pathname}${url.search}`;
};

describe('e-mail verification (SEC-61, SEC-62)', () => {
  it('signup mails a single-use link that verifies the address; /account shows it', async () => {
    const browser = new Browser(world.app);
    const username = unique('mailer');
    const email = `${username}@example.com`;
    const form = await browser.get('/signup');
    const signup = await browser.post('/signup', {
      username,
      email,
      password: 'a long enough password',
      _csrf: hiddenField(form.body, '_csrf', '/signup'),
    });
    expect(signup.statusCode).toBe(303);
    const user = (await world.stores.db.users.findByLogin(username))!;
    expect(user.emailVerified).toBe(false);
    expect((await browser.get('/account')).body).toContain('Not verified');

    const mail = await mailTo(email, 'Confirm your email address');
    expect(mail.from).toBe('no-reply@id.example.com');
    const link = pathOf(linkIn(mail));
    // Only the hash is stored.
    const token = new URL(link, ISSUER).searchParams.get('token')!;
    expect(JSON.stringify(await world.stores.db.audit.list({ userId: user.id, limit: 20 }))).not.toContain(
      token,
    );

    const followed = await browser.get(link);
    expect(followed.statusCode).toBe(303);
    expect(followed.headers.location).toBe('/account?notice=email-verified#email');
    expect((await world.stores.db.users.findById(user.id))?.emailVerified).toBe(true);
    expect((await browser.get('/account')).body).toMatch(/id="email-status">Verified/);
    expect((await new Browser(world.app).get(link)).statusCode).toBe(400);
    const types = (await world.stores.db.audit.list({ userId: user.id, limit: 20 })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['email.verification_sent', 'email.verified']));
  });

  it('changing the address needs the current password, re-verifies it and tells the old address', async () => {
    const user = await seedUser(world.stores);
    await world.stores.db.users.markEmailVerified(user.id, user.email);
    const browser = new Browser(world.app);
    await browser.login(user.username);
    const csrf = await browser.sessionCsrf();
    const newEmail = `${unique('moved')}@example.com`;
    const wrong = await browser.post('/account/email', {
      email: newEmail,
      current_password: 'not the password',
      _csrf: csrf,
    });
    expect(wrong.statusCode).toBe(400);
    expect((await world.stores.db.users.findById(user.id))?.email).toBe(user.email);

    const changed = await browser.post('/account/email', {
      email: newEmail,
      current_password: PASSWORD,
      _csrf: csrf,
    });
    expect(changed.statusCode).toBe(303);
    expect(await world.stores.db.users.findById(user.id)).toMatchObject({
      email: newEmail,
      emailVerified: false,
    });
    const notice = await mailTo(user.email, 'Your email address was changed');
    expect(notice.text).toContain(newEmail);
    const verify = await mailTo(newEmail, 'Confirm your email address');
    expect((await browser.get(pathOf(linkIn(verify)))).statusCode).toBe(303);
    expect((await world.stores.db.users.findById(user.id))?.emailVerified).toBe(true);
    const types = (await world.stores.db.audit.list({ userId: user.id, limit: 20 })).map((e) => e.type);
    expect(types).toContain('email.changed');
  });

  it('a verification link for a replaced address verifies nothing', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app);
    await browser.login(user.username);
    const csrf = await browser.sessionCsrf();
    expect((await browser.post('/account/email/verification', { _csrf: csrf })).statusCode).toBe(303);
    const old = await mailTo(user.email, 'Confirm your email address');
    await world.stores.db.users.changeEmail(user.id, `${unique('other')}@example.com`);
    expect((await browser.get(pathOf(linkIn(old)))).statusCode).toBe(400);
    expect((await world.stores.db.users.findById(user.id))?.emailVerified).toBe(false);
  });
});

describe('password reset (SEC-63, SEC-64)', () => {
  async function requestReset(browser: Browser, email: string) {
    const form = await browser.get('/forgot-password');
    expect(form.statusCode).toBe(200);
    return browser.post('/forgot-password', {
      email,
      _csrf: hiddenField(form.body, '_csrf', '/forgot-password'),
    });
  }

  it('the login page links to it; the answer is the same for a known and an unknown address', async () => {
    expect((await new Browser(world.app).get('/login')).body).toContain('href="/forgot-password"');
    const user = await seedUser(world.stores);
    const known = await requestReset(new Browser(world.app), user.email.toUpperCase());
    const unknown = await requestReset(new Browser(world.app), `${unique('nobody')}@example.com`);
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const body = (r: typeof known) => r.body.replace(/value="[^"]*"/g, '');
    expect(body(known)).toBe(body(unknown));
    expect(known.body).toContain(RESET_SENT_TEXT.replace(/'/g, '&#39;'));
    await mailTo(user.email, 'Reset your password');
  });

  it('a reset link sets a new password once, ends every session and revokes every token family', async () => {
    const user = await seedUser(world.stores);
    const seeded = await seedClient(world.stores);
    const tokens = await grantAndIssue(world.stores, user, seeded.client);
    await world.stores.db.webhooks.setEndpoint(seeded.client.id, {
      url: 'https://h.example/in',
      encryptedSecret: 'x',
    });
    const other = new Browser(world.app);
    await other.login(user.username);
    expect((await other.get('/account')).statusCode).toBe(200);

    await requestReset(new Browser(world.app), user.email);
    const mail = await mailTo(user.email, 'Reset your password');
    const browser = new Browser(world.app);
    const form = await browser.get(pathOf(linkIn(mail)));
    expect(form.statusCode).toBe(200);
    const token = hiddenField(form.body, 'token', '/reset-password');
    const csrf = hiddenField(form.body, '_csrf', '/reset-password');
    const tooShort = await browser.post('/reset-password', { token, password: 'short', _csrf: csrf });
    expect(tooShort.statusCode).toBe(400);
    const done = await browser.post('/reset-password', {
      token,
      password: 'a brand new password',
      _csrf: csrf,
    });
    expect(done.statusCode).toBe(200);
    expect(
      (await browser.post('/reset-password', { token, password: 'another new password', _csrf: csrf }))
        .statusCode,
    ).toBe(400);

    expect((await other.get('/account')).statusCode).toBe(302);
    expect(await tokensAlive(world.stores, tokens)).toEqual({ access: false, refresh: false });
    // The app is told its access ended, in the revocation's transaction.
    expect(
      (await world.stores.db.webhooks.list(seeded.client.id, 5)).map((e) => [e.type, e.data.reason]),
    ).toEqual([['grant.revoked', 'password_reset']]);
    expect((await new Browser(world.app).login(user.username)).statusCode).toBe(400);
    expect((await new Browser(world.app).login(user.username, 'a brand new password')).statusCode).toBe(303);
    const types = (await world.stores.db.audit.list({ userId: user.id, limit: 20 })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset_completed']));
  });

  it('per account only the first requests are mailed; per address group the limit is a 429', async () => {
    const user = await seedUser(world.stores);
    const before = sink.received.length;
    for (let i = 0; i < RESET_THROTTLE.perAccount + 2; i += 1) {
      expect((await requestReset(new Browser(world.app), user.email)).statusCode).toBe(200);
    }
    await mailTo(user.email, 'Reset your password');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mailed = sink.received.slice(before).filter((m) => m.to.includes(user.email));
    expect(mailed).toHaveLength(RESET_THROTTLE.perAccount);

    const browser = new Browser(world.app);
    let last = await requestReset(browser, `${unique('x')}@example.com`);
    for (let i = 1; i <= RESET_THROTTLE.perAddress; i += 1)
      last = await requestReset(browser, `${unique('x')}@example.com`);
    expect(last.statusCode).toBe(429);
    expect(last.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('change password (SEC-63)', () => {
  it('asks for the current password, then ends every other session but keeps this one', async () => {
    const user = await seedUser(world.stores);
    const other = new Browser(world.app);
    await other.login(user.username);
    const browser = new Browser(world.app);
    await browser.login(user.username);
    const csrf = await browser.sessionCsrf();
    const wrong = await browser.post('/account/password', {
      current_password: 'nope nope nope',
      new_password: 'a changed password',
      _csrf: csrf,
    });
    expect(wrong.statusCode).toBe(400);
    const changed = await browser.post('/account/password', {
      current_password: PASSWORD,
      new_password: 'a changed password',
      _csrf: csrf,
    });
    expect(changed.statusCode).toBe(303);
    expect((await browser.get('/account')).statusCode).toBe(200);
    expect((await other.get('/account')).statusCode).toBe(302);
    const types = (await world.stores.db.audit.list({ userId: user.id, limit: 20 })).map((e) => e.type);
    expect(types).toContain('password.changed');
  });
});

describe('development outbox and production without SMTP_URL (SEC-60)', () => {
  it('development without SMTP_URL keeps mail at /dev/outbox; production has no outbox and refuses resets clearly', async () => {
    const dev = await buildApp(world.stores);
    const user = await seedUser(world.stores);
    const browser = new Browser(dev);
    const form = await browser.get('/forgot-password');
    await browser.post('/forgot-password', {
      email: user.email,
      _csrf: hiddenField(form.body, '_csrf', '/forgot-password'),
    });
    // The link is issued after the answer (SEC-64): wait for it to reach the outbox.
    await expect
      .poll(async () => (await browser.get('/dev/outbox')).body, { timeout: 10_000 })
      .toContain(`${ISSUER}/reset-password?token=gth_el_`);
    expect((await browser.get('/dev/outbox')).statusCode).toBe(200);
    await dev.close();

    const production = await buildApp(world.stores, productionConfig());
    const prodBrowser = new Browser(production, undefined, 'https://id.example.com');
    expect((await prodBrowser.get('/dev/outbox')).statusCode).toBe(404);
    const refused = await prodBrowser.get('/forgot-password');
    expect(refused.statusCode).toBe(503);
    expect(refused.body).toContain('not available on this server');
    await production.close();
  });
});
