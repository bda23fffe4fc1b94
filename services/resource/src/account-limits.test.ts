import { ACCOUNT_LIMITS } from '@gatehouse/core/accounts';
import { describe, expect, it } from 'vitest';
import { bearer, createUser, issueDeveloperToken, useTestApp } from './testing/fixtures.js';

const t = useTestApp();

describe('what one account may create (SEC-36)', () => {
  it(`the developer API registers at most ${ACCOUNT_LIMITS.appsPerUser} apps per user`, async () => {
    const user = await createUser(t.stores);
    const headers = bearer(await issueDeveloperToken(t.stores, user));
    const create = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/oauth_apps',
        headers,
        payload: { name: `App ${i}`, description: 'x', redirect_uri: 'https://app.example.com/cb' },
      });
    for (let i = 0; i < ACCOUNT_LIMITS.appsPerUser; i++) expect((await create(i)).statusCode).toBe(201);
    const refused = await create(99);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      success: false,
      message: expect.stringMatching(/delete one first/),
    });
    expect(await t.stores.db.clients.listByOwner(user.id)).toHaveLength(ACCOUNT_LIMITS.appsPerUser);
  });
});
