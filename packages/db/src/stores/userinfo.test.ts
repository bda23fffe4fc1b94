import { describeUserinfoReaderContract } from '@gatehouse/core/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../connection.js';
import { balances } from '../schema/balances.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';

describeUserinfoReaderContract(createTestDatabase);

// Every user is created with a balance row, so no port can take it away: only SQL can.
describe('UserinfoReader (Postgres) for a user without a balance row', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  }, 120_000);
  afterAll(() => test?.close());

  it('answers a null balance, and the user and client as usual', async () => {
    const { users, clients, ledger, userinfo } = test.stores;
    const user = await users.create({
      username: 'nobalance',
      email: 'nobalance@example.test',
      passwordHash: 'x',
    });
    const client = await clients.create({
      clientId: 'gh_nobalance',
      secretHash: null,
      name: 'App',
      redirectUris: ['https://app.example.test/cb'],
    });
    const db: Db = test.database.db;
    await db.delete(balances).where(eq(balances.userId, user.id));
    expect(await ledger.getBalance(user.id)).toBeNull();
    expect(await userinfo.read(user.id, client.id)).toEqual({
      user: {
        id: user.id,
        username: 'nobalance',
        email: 'nobalance@example.test',
        emailVerified: false,
        status: 'active',
        createdAt: user.createdAt,
      },
      balance: null,
      client: {
        id: client.id,
        clientId: 'gh_nobalance',
        disabled: false,
        tokenEndpointAuthMethod: 'none',
        redirectUris: ['https://app.example.test/cb'],
        allowedOrigins: [],
      },
    });
  });
});
