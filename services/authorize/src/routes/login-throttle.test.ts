import type { User } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE } from '../browser/throttle.js';
import { Browser, nextAddress, PASSWORD, seedUser, useAuthorizeApp } from '../testing/harness.js';
import { LOGIN_FAILED_MESSAGE } from './login.js';

/**
 * SEC-19 / SEC-34 against real stores. The account-wide delays are shortened (the rules and
 * counts are production's): the decision's delay is read from the audit event, never timed.
 */
const LIMITS = { ...LOGIN_THROTTLE, firstDelayMs: 1, maxDelaySeconds: 0.05 };

const world = useAuthorizeApp({ loginThrottle: LIMITS });

async function lastSignIn(user: User): Promise<Record<string, unknown>> {
  const [event] = await world.stores.db.audit.list({ userId: user.id, type: 'login.succeeded', limit: 1 });
  if (!event) throw new Error('no login.succeeded event');
  return event.data;
}

/** `attempts` wrong passwords from each of `addresses` new addresses, ten addresses at a time. */
async function flood(login: string, addresses: string[], attempts: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < addresses.length; i += 10) {
    const batch = addresses.slice(i, i + 10).map(async (address) => {
      const attacker = new Browser(world.app, address);
      for (let n = 0; n < attempts; n++)
        statuses.push((await attacker.login(login, `guess-${n}`)).statusCode);
    });
    await Promise.all(batch);
  }
  return statuses;
}

describe('lockout-proof login throttling (SEC-34)', () => {
  it('a flood from 50 addresses leaves the owner signing in from a recognised device at once, and from a new one after a short delay', async () => {
    const user = await seedUser(world.stores);
    const owner = new Browser(world.app, nextAddress());
    expect((await owner.login(user.username)).statusCode).toBe(303);
    expect(owner.cookies.has('gh_device')).toBe(true);
    expect(await lastSignIn(user)).toMatchObject({ device: 'new', delay_ms: 0 });
    expect((await owner.post('/logout', { _csrf: await owner.sessionCsrf() })).statusCode).toBe(303);

    const perAddress = LOGIN_THROTTLE.failuresPerAccountAndAddress + 1;
    const statuses = await flood(
      user.username,
      Array.from({ length: 50 }, () => nextAddress()),
      perAddress,
    );
    // Every address got its 5 guesses checked and was then stopped; nothing else was refused.
    expect(statuses.filter((s) => s === 400)).toHaveLength(50 * LOGIN_THROTTLE.failuresPerAccountAndAddress);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);

    const recognised = await owner.login(user.username);
    expect(recognised.statusCode).toBe(303);
    expect(await lastSignIn(user)).toMatchObject({ device: 'recognised', delay_ms: 0 });

    const newDevice = await new Browser(world.app, nextAddress()).login(user.email);
    expect(newDevice.statusCode).toBe(303);
    const { device, delay_ms } = await lastSignIn(user);
    expect(device).toBe('new');
    expect(delay_ms).toBeGreaterThan(0);
    expect(delay_ms).toBeLessThanOrEqual(LIMITS.maxDelaySeconds * 1000);
  });

  it('counts failures, not attempts: many successful sign-ins never slow the owner down', async () => {
    const user = await seedUser(world.stores);
    for (let i = 0; i < LOGIN_THROTTLE.accountDelayAfter + 2; i++) {
      expect((await new Browser(world.app, nextAddress()).login(user.username)).statusCode).toBe(303);
    }
    expect(await lastSignIn(user)).toMatchObject({ device: 'new', delay_ms: 0 });
  });

  it('username, its case variants and the e-mail address share one counter (the user id)', async () => {
    const user = await seedUser(world.stores);
    const browser = new Browser(world.app, nextAddress());
    const spellings = [user.username, user.username.toUpperCase(), user.email, user.email.toUpperCase()];
    for (let i = 0; i < LOGIN_THROTTLE.failuresPerAccountAndAddress; i++) {
      expect((await browser.login(spellings[i % spellings.length]!, 'wrong')).statusCode).toBe(400);
    }
    const blocked = await browser.login(user.email);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('IPv6 addresses are grouped by /64 for the per-address limits', async () => {
    const user = await seedUser(world.stores);
    for (let i = 1; i <= LOGIN_THROTTLE.failuresPerAccountAndAddress; i++) {
      const browser = new Browser(world.app, `2001:db8:aa:1::${i.toString(16)}`);
      expect((await browser.login(user.username, 'wrong')).statusCode).toBe(400);
    }
    const sameSubnet = await new Browser(world.app, '2001:db8:aa:1:ffff:1:2:3').login(user.username);
    expect(sameSubnet.statusCode).toBe(429);
    const otherSubnet = await new Browser(world.app, '2001:db8:aa:2::1').login(user.username);
    expect(otherSubnet.statusCode).toBe(303);
  });

  it('an unknown name is throttled exactly like a known account, with the same answers', async () => {
    const user = await seedUser(world.stores);
    const known = new Browser(world.app, nextAddress());
    const unknown = new Browser(world.app, nextAddress());
    for (let i = 0; i < LOGIN_THROTTLE.failuresPerAccountAndAddress; i++) {
      const [a, b] = [await known.login(user.username, 'wrong'), await unknown.login('nobody-here', 'wrong')];
      expect([a.statusCode, b.statusCode]).toEqual([400, 400]);
      expect(a.body).toContain(LOGIN_FAILED_MESSAGE);
      expect(b.body).toContain(LOGIN_FAILED_MESSAGE);
    }
    const [a, b] = [await known.login(user.username), await unknown.login('nobody-here', PASSWORD)];
    expect([a.statusCode, b.statusCode]).toEqual([429, 429]);
  });

  it('a device cookie used for guessing stops counting as recognised', async () => {
    const user = await seedUser(world.stores);
    const device = new Browser(world.app, nextAddress());
    expect((await device.login(user.username)).statusCode).toBe(303);
    await device.post('/logout', { _csrf: await device.sessionCsrf() });
    for (let i = 0; i < LOGIN_THROTTLE.failuresPerDevice; i++) {
      // A new address each time: only the device counter links these guesses.
      const thief = new Browser(world.app, nextAddress());
      for (const [name, value] of device.cookies) thief.cookies.set(name, value);
      expect((await thief.login(user.username, `wrong-${i}`)).statusCode).toBe(400);
    }
    expect((await device.login(user.username)).statusCode).toBe(303);
    expect(await lastSignIn(user)).toMatchObject({ device: 'new' });
  });

  it('a forged or foreign device cookie is ignored', async () => {
    const [user, other] = [await seedUser(world.stores), await seedUser(world.stores)];
    const browser = new Browser(world.app, nextAddress());
    expect((await browser.login(other.username)).statusCode).toBe(303);
    const cookie = browser.cookies.get('gh_device')!;
    // The same signed cookie names another account: no recognition for this one.
    expect((await browser.login(user.username)).statusCode).toBe(303);
    expect(await lastSignIn(user)).toMatchObject({ device: 'new' });
    const forged = cookie.replace(/\.\d+\./, `.${user.id}.`);
    const thief = new Browser(world.app, nextAddress());
    thief.cookies.set('gh_device', forged);
    expect((await thief.login(user.username)).statusCode).toBe(303);
    expect(await lastSignIn(user)).toMatchObject({ device: 'new' });
  });
});

describe('one throttle for the service: sign-up groups IPv6 by /64 too (SEC-34)', () => {
  it('addresses of one /64 share the sign-up limit', async () => {
    const { SIGNUP_THROTTLE } = await import('./signup.js');
    const attempt = async (address: string, n: number) => {
      const browser = new Browser(world.app, address);
      const form = await browser.get('/signup');
      const csrf = /name="_csrf" value="([^"]*)"/.exec(form.body)?.[1] ?? '';
      // An invalid password: refused after the throttle, so no account (and no argon2 hash) is made.
      return browser.post('/signup', {
        username: `v6user${n}`,
        email: `v6user${n}@example.test`,
        password: 'x',
        _csrf: csrf,
      });
    };
    for (let i = 1; i <= SIGNUP_THROTTLE.perAddress; i++) {
      expect((await attempt(`2001:db8:cc:1::${i.toString(16)}`, i)).statusCode).toBe(400);
    }
    const blocked = await attempt('2001:db8:cc:1:abcd::1', 99);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt('2001:db8:cc:2::1', 100)).statusCode).toBe(400);
  });
});
