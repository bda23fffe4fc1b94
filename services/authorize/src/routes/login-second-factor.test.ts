import { sha256Hex } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  hiddenField,
  locationQuery,
  PASSWORD,
  seedClient,
  useAuthorizeApp,
} from '../testing/harness.js';
import { expectPageHeaders, signedInBrowser } from '../testing/people.js';
import { codeAfter, enrolTotp } from '../testing/two-factor.js';

const world = useAuthorizeApp();

/** A user with TOTP on, and a fresh browser that has not signed in yet. */
async function enrolledUser() {
  const { user, browser: enrolling } = await signedInBrowser(world.app, world.stores);
  const enrolled = await enrolTotp(enrolling);
  return { user, ...enrolled, browser: new Browser(world.app) };
}

/** Submits the second-factor form the browser was sent to. */
async function secondFactor(browser: Browser, code: string, path = '/login/second-factor') {
  const form = await browser.get(path);
  if (form.statusCode !== 200) return form;
  return browser.post(path, { _csrf: hiddenField(form.body, '_csrf', '/login/second-factor'), code });
}

const signedIn = async (browser: Browser) => (await browser.get('/account')).statusCode === 200;

describe('sign-in with a second factor (SEC-70)', () => {
  it('a right password leads to the code form with no session and no device cookie yet', async () => {
    const { user, secret, browser } = await enrolledUser();
    const login = await browser.login(user.username);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/login/second-factor');
    expect(browser.cookies.has('gh_session')).toBe(false);
    expect(browser.cookies.has('gh_device')).toBe(false);
    expect(browser.cookies.has('gh_login')).toBe(true);
    expect(await signedIn(browser)).toBe(false);

    const form = await browser.get('/login/second-factor');
    expect(form.statusCode).toBe(200);
    expectPageHeaders(form, 'second factor');

    const wrong = await secondFactor(browser, '000000');
    expect(wrong.statusCode).toBe(400);
    expect(await signedIn(browser)).toBe(false);

    const done = await secondFactor(browser, await codeAfter(secret, 1));
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account');
    expect(browser.cookies.has('gh_device')).toBe(true);
    expect(browser.cookies.has('gh_login')).toBe(false);
    expect(await signedIn(browser)).toBe(true);
    const [event] = await world.stores.db.audit.list({ userId: user.id, type: 'login.succeeded', limit: 1 });
    expect(event?.data).toMatchObject({ second_factor: 'totp' });
  });

  it('a code is good for one sign-in only, even one step later (replay)', async () => {
    const { user, secret, browser } = await enrolledUser();
    const code = await codeAfter(secret, 1);
    await browser.login(user.username);
    expect((await secondFactor(browser, code)).statusCode).toBe(303);

    const other = new Browser(world.app);
    await other.login(user.username);
    const replay = await secondFactor(other, code);
    expect(replay.statusCode).toBe(400);
    // The code of the enrolment is spent too.
    expect((await secondFactor(other, await codeAfter(secret, 0))).statusCode).toBe(400);
    expect(await signedIn(other)).toBe(false);
  });

  it('a recovery code signs in once, is audited, and the rest stay', async () => {
    const { user, recoveryCodes, browser } = await enrolledUser();
    await browser.login(user.username);
    const done = await secondFactor(browser, recoveryCodes[3]!.toUpperCase());
    expect(done.statusCode).toBe(303);
    expect(await world.stores.db.twoFactor.status(user.id)).toEqual({ totp: true, recoveryCodesLeft: 9 });
    const [used] = await world.stores.db.audit.list({
      userId: user.id,
      type: 'two_factor.recovery_code_used',
      limit: 1,
    });
    expect(used?.data).toEqual({ recovery_codes_left: 9 });

    const again = new Browser(world.app);
    await again.login(user.username);
    expect((await secondFactor(again, recoveryCodes[3]!)).statusCode).toBe(400);
    expect((await secondFactor(again, recoveryCodes[4]!)).statusCode).toBe(303);
  });

  it('the pending sign-in belongs to the browser that typed the password', async () => {
    const { user, secret, browser } = await enrolledUser();
    await browser.login(user.username);
    const stranger = new Browser(world.app);
    const form = await stranger.get('/login/second-factor');
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe('/login');
    const csrf = hiddenField((await stranger.get('/login')).body, '_csrf', '/login');
    const post = await stranger.post('/login/second-factor', {
      _csrf: csrf,
      code: await codeAfter(secret, 1),
    });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/login');
    expect(await signedIn(stranger)).toBe(false);
    // The owner's pending sign-in is untouched.
    expect((await secondFactor(browser, await codeAfter(secret, 1))).statusCode).toBe(303);
  });

  it('a password change between the password and the code ends the pending sign-in', async () => {
    const { user, secret, browser } = await enrolledUser();
    await browser.login(user.username);
    await world.stores.db.users.setPassword(user.id, user.passwordHash);
    const post = await secondFactor(browser, await codeAfter(secret, 1));
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/login');
    expect(await signedIn(browser)).toBe(false);
  });

  it('return_to is carried through the second step', async () => {
    const { user, secret, browser } = await enrolledUser();
    const login = await browser.login(user.username, PASSWORD, '/topup');
    expect(login.headers.location).toBe('/login/second-factor?return_to=%2Ftopup');
    const done = await secondFactor(browser, await codeAfter(secret, 1), login.headers.location as string);
    expect(done.headers.location).toBe('/topup');
  });

  it('wrong codes are limited per account across browsers: 429 with Retry-After (SEC-68)', async () => {
    const { user, secret } = await enrolledUser();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const browser = new Browser(world.app);
      await browser.login(user.username);
      statuses.push((await secondFactor(browser, '000000')).statusCode);
      statuses.push((await secondFactor(browser, '111111')).statusCode);
    }
    expect(statuses).toEqual(Array(10).fill(400));
    const last = new Browser(world.app);
    await last.login(user.username);
    const refused = await secondFactor(last, await codeAfter(secret, 1));
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await signedIn(last)).toBe(false);
  });

  it('users without a second factor sign in with the password alone, amr ["pwd"]', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const seeded = await seedClient(world.stores, { trusted: true });
    const response = await browser.get(authorizePath(authorizeParams(seeded, { auto_authorize: 'true' })));
    const data = await world.stores.cache.codes.consume(sha256Hex(locationQuery(response).code!), 60);
    expect(data).toMatchObject({ kind: 'fresh', data: { userId: user.id, amr: ['pwd'] } });
  });

  it('codes issued after a second factor carry amr ["pwd", "otp"] (SEC-71)', async () => {
    const { user, secret, browser } = await enrolledUser();
    await browser.login(user.username);
    await secondFactor(browser, await codeAfter(secret, 1));
    const seeded = await seedClient(world.stores, { trusted: true });
    const response = await browser.get(authorizePath(authorizeParams(seeded, { auto_authorize: 'true' })));
    const data = await world.stores.cache.codes.consume(sha256Hex(locationQuery(response).code!), 60);
    expect(data).toMatchObject({ kind: 'fresh', data: { userId: user.id, amr: ['pwd', 'otp'] } });
  });
});
