import { decryptTotpSecret, totpCodeAt, totpSecretKey } from '@gatehouse/core/accounts';
import { describe, expect, it } from 'vitest';
import { hiddenField, PASSWORD, useAuthorizeApp } from '../testing/harness.js';
import { expectPageHeaders, signedInBrowser, textOf } from '../testing/people.js';
import { enrolTotp, recoveryCodesOf, secretOf } from '../testing/two-factor.js';
import { ENROLMENT_TTL_SECONDS } from './account-two-factor.js';

const world = useAuthorizeApp();

const TEST_KEY_SECRET = 'gatehouse-development-key-encryption-key-do-not-use-in-production';

describe('turning TOTP on from /account (SEC-69)', () => {
  it('password → setup key and otpauth URI → first code → ten recovery codes shown once', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const account = await browser.get('/account');
    expect(textOf(account.body, 'two-factor-status')).toMatch(/^Off/);

    const begin = await browser.post('/account/two-factor/totp', {
      _csrf: hiddenField(account.body, '_csrf', '/account/two-factor/totp'),
      current_password: PASSWORD,
    });
    expect(begin.statusCode).toBe(200);
    expectPageHeaders(begin, 'setup');
    const secret = secretOf(begin);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(textOf(begin.body, 'totp-uri'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(decodeURIComponent(uri.pathname)).toBe(`/Gatehouse:${user.username}`);

    // Until confirmed, nothing is on; the stored secret is encrypted and bound to the user (SEC-65).
    const pending = await world.stores.db.twoFactor.findTotp(user.id);
    expect(pending?.confirmedAt).toBeNull();
    expect(pending?.encryptedSecret).not.toContain(secret);
    expect(await decryptTotpSecret(pending!.encryptedSecret, user.id, totpSecretKey(TEST_KEY_SECRET))).toBe(
      secret,
    );
    expect(await world.stores.db.twoFactor.status(user.id)).toEqual({ totp: false, recoveryCodesLeft: 0 });

    const csrf = hiddenField(begin.body, '_csrf', '/account/two-factor/totp/confirm');
    const wrong = await browser.post('/account/two-factor/totp/confirm', { _csrf: csrf, code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('That code is not right');
    expect(secretOf(wrong)).toBe(secret);

    const confirm = await browser.post('/account/two-factor/totp/confirm', {
      _csrf: csrf,
      code: await totpCodeAt(secret, Date.now()),
    });
    expect(confirm.statusCode).toBe(200);
    expectPageHeaders(confirm, 'recovery codes');
    const codes = recoveryCodesOf(confirm);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const after = await browser.get('/account');
    expect(textOf(after.body, 'two-factor-status')).toContain('10 of 10 recovery codes left');
    for (const code of codes) expect(after.body).not.toContain(code);
    expect(after.body).not.toContain(secret);
    const events = await world.stores.db.audit.list({
      userId: user.id,
      type: 'two_factor.enabled',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('a wrong current password starts nothing; a missing CSRF token is refused', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const account = await browser.get('/account');
    const csrf = hiddenField(account.body, '_csrf', '/account/two-factor/totp');
    const wrong = await browser.post('/account/two-factor/totp', { _csrf: csrf, current_password: 'not it' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The current password is not correct.');
    const noCsrf = await browser.post('/account/two-factor/totp', { current_password: PASSWORD });
    expect(noCsrf.statusCode).toBe(403);
    expect(await world.stores.db.twoFactor.findTotp(user.id)).toBeNull();
  });

  it('an enrolment cannot be confirmed after its time, and a confirmed factor is not replaced', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const csrf = await browser.sessionCsrf();
    const old = new Date(Date.now() - (ENROLMENT_TTL_SECONDS + 1) * 1000);
    await world.stores.db.twoFactor.beginTotp(user.id, 'stale', old);
    const late = await browser.post('/account/two-factor/totp/confirm', { _csrf: csrf, code: '123456' });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('expired');

    await enrolTotp(browser);
    const again = await browser.post('/account/two-factor/totp', { _csrf: csrf, current_password: PASSWORD });
    expect(again.statusCode).toBe(409);
    const confirmAgain = await browser.post('/account/two-factor/totp/confirm', {
      _csrf: csrf,
      code: '123456',
    });
    expect(confirmAgain.statusCode).toBe(400);
  });

  it('wrong confirmation codes are throttled per account (SEC-68)', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const csrf = await browser.sessionCsrf();
    await browser.post('/account/two-factor/totp', { _csrf: csrf, current_password: PASSWORD });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await browser.post('/account/two-factor/totp/confirm', { _csrf: csrf, code: '000000' })).statusCode,
      );
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses[10]).toBe(429);
    expect((await world.stores.db.twoFactor.findTotp(user.id))?.confirmedAt).toBeNull();
  });
});

describe('turning TOTP off from /account (SEC-69)', () => {
  it('needs the current password; then the factor and its recovery codes are gone, audited', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { secret } = await enrolTotp(browser);
    const account = await browser.get('/account');
    const csrf = hiddenField(account.body, '_csrf', '/account/two-factor/remove');
    const wrong = await browser.post('/account/two-factor/remove', { _csrf: csrf, current_password: 'nope' });
    expect(wrong.statusCode).toBe(400);
    expect((await world.stores.db.twoFactor.status(user.id)).totp).toBe(true);

    const removed = await browser.post('/account/two-factor/remove', {
      _csrf: csrf,
      current_password: PASSWORD,
    });
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe('/account?notice=two-factor-removed#two-factor');
    expect(await world.stores.db.twoFactor.status(user.id)).toEqual({ totp: false, recoveryCodesLeft: 0 });
    expect(await world.stores.db.twoFactor.findTotp(user.id)).toBeNull();
    expect(textOf((await browser.get('/account')).body, 'two-factor-status')).toMatch(/^Off/);
    const events = await world.stores.db.audit.list({
      userId: user.id,
      type: 'two_factor.removed',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(secret);
  });
});
