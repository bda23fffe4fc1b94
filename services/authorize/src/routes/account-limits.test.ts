import { ACCOUNT_LIMITS } from '@gatehouse/core/accounts';
import { describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';

const world = useAuthorizeApp();

async function signedIn(): Promise<Browser> {
  const user = await seedUser(world.stores);
  const browser = new Browser(world.app);
  expect((await browser.login(user.username)).statusCode).toBe(303);
  return browser;
}

describe('what one account may create (SEC-36)', () => {
  it(`at most ${ACCOUNT_LIMITS.developerTokensPerUser} active developer tokens per user`, async () => {
    const browser = await signedIn();
    const csrf = await browser.sessionCsrf();
    for (let i = 0; i < ACCOUNT_LIMITS.developerTokensPerUser; i++) {
      const created = await browser.post('/account/developer-tokens', { name: `token ${i}`, _csrf: csrf });
      expect(created.statusCode).toBe(200);
    }
    const refused = await browser.post('/account/developer-tokens', { name: 'one too many', _csrf: csrf });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Revoke one first');
  });

  it(`at most ${ACCOUNT_LIMITS.pendingConsentsPerSession} open consent requests per session`, async () => {
    const browser = await signedIn();
    const seeded = await seedClient(world.stores);
    for (let i = 0; i < ACCOUNT_LIMITS.pendingConsentsPerSession; i++) {
      expect((await browser.get(authorizePath(authorizeParams(seeded)))).statusCode).toBe(200);
    }
    const refused = await browser.get(authorizePath(authorizeParams(seeded)));
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers.location).toBeUndefined();
    // Another session of the same person is not affected.
    const other = new Browser(world.app);
    const user = await seedUser(world.stores);
    await other.login(user.username);
    expect((await other.get(authorizePath(authorizeParams(seeded)))).statusCode).toBe(200);
  });
});
