import type { Stores } from '@gatehouse/core';
import { ACCOUNT_LIMITS } from '@gatehouse/core/accounts';
import { createTestStores } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  buildApp,
  seedClient,
  seedUser,
} from '../testing/harness.js';

let stores: Stores & { close(): Promise<void> };
let app: FastifyInstance;

beforeAll(async () => {
  stores = await createTestStores();
  app = await buildApp(stores);
});

afterAll(async () => {
  await app?.close();
  await stores?.close();
});

async function signedIn(): Promise<Browser> {
  const user = await seedUser(stores);
  const browser = new Browser(app);
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
    const seeded = await seedClient(stores);
    for (let i = 0; i < ACCOUNT_LIMITS.pendingConsentsPerSession; i++) {
      expect((await browser.get(authorizePath(authorizeParams(seeded)))).statusCode).toBe(200);
    }
    const refused = await browser.get(authorizePath(authorizeParams(seeded)));
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers.location).toBeUndefined();
    // Another session of the same person is not affected.
    const other = new Browser(app);
    const user = await seedUser(stores);
    await other.login(user.username);
    expect((await other.get(authorizePath(authorizeParams(seeded)))).statusCode).toBe(200);
  });
});
