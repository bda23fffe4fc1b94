import { describe, expect, it } from 'vitest';
import { Browser, hiddenField, unique, useAuthorizeApp } from '../testing/harness.js';

const world = useAuthorizeApp();

const PASSWORD = 'a long enough password';

async function signup(username: string, email: string) {
  const browser = new Browser(world.app);
  const form = await browser.get('/signup');
  const response = await browser.post('/signup', {
    username,
    email,
    password: PASSWORD,
    _csrf: hiddenField(form.body, '_csrf', '/signup'),
  });
  return { browser, response };
}

describe('one mailbox, one account at sign-up (SEC-35)', () => {
  it('m1@example.test and m1@ｅxample.test (fullwidth) are one mailbox', async () => {
    const local = unique('m');
    const first = await signup(unique('first'), `${local}@example.test`);
    expect(first.response.statusCode).toBe(303);
    const second = await signup(unique('second'), `${local}@ｅxample.test`);
    expect(second.response.statusCode).toBe(409);
    expect(second.response.body).toContain('already exists');

    // Any spelling of the address signs in to the one account.
    const login = await new Browser(world.app).login(`${local.toUpperCase()}@ｅxample.test`, PASSWORD);
    expect(login.statusCode).toBe(303);
    expect((await world.stores.db.users.findByLogin(`${local}@example.test`))?.email).toBe(
      `${local}@example.test`,
    );
  });
});
