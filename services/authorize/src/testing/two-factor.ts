/** Test support for two-factor sign-in (excluded from the build): the test plays the authenticator app. */
import type { Stores, User } from '@gatehouse/core';
import { totpCodeAt } from '@gatehouse/core/accounts';
import type { LightMyRequestResponse } from 'fastify';
import { type Browser, hiddenField, PASSWORD } from './harness.js';
import { textOf } from './people.js';

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** The time step of the code that confirmed the enrolment (already used). */
  confirmedAt: number;
}

/** The base32 secret the setup page shows (spaces between groups removed). */
export function secretOf(setup: LightMyRequestResponse): string {
  return textOf(setup.body, 'totp-secret').replace(/\s+/g, '');
}

export function recoveryCodesOf(page: LightMyRequestResponse): string[] {
  return [...page.body.matchAll(/<li><code>([0-9a-z]{5}-[0-9a-z]{5})<\/code><\/li>/g)].map((m) => m[1]!);
}

/** A code for a later step than any used so far (codes of a used step are refused, SEC-66). */
export function codeAfter(secret: string, stepsAhead: number): Promise<string> {
  return totpCodeAt(secret, Date.now() + stepsAhead * 30_000);
}

/** Turns TOTP on for the signed-in browser through /account, as a person would. */
export async function enrolTotp(browser: Browser): Promise<Enrolled> {
  const account = await browser.get('/account');
  const begin = await browser.post('/account/two-factor/totp', {
    _csrf: hiddenField(account.body, '_csrf', '/account/two-factor/totp'),
    current_password: PASSWORD,
  });
  if (begin.statusCode !== 200) throw new Error(`enrolment start answered ${begin.statusCode}`);
  const secret = secretOf(begin);
  const confirm = await browser.post('/account/two-factor/totp/confirm', {
    _csrf: hiddenField(begin.body, '_csrf', '/account/two-factor/totp/confirm'),
    code: await totpCodeAt(secret, Date.now()),
  });
  if (confirm.statusCode !== 200) throw new Error(`enrolment confirmation answered ${confirm.statusCode}`);
  return { secret, recoveryCodes: recoveryCodesOf(confirm), confirmedAt: Math.floor(Date.now() / 30_000) };
}

/** The user's factor straight from the store. */
export async function totpRow(stores: Stores, user: User) {
  return stores.db.twoFactor.findTotp(user.id);
}
