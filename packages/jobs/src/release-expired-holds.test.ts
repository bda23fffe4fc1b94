import { loadConfig } from '@gatehouse/core';
import { periodStart } from '@gatehouse/core/charges';
import { createClient, createUser, unique } from '@gatehouse/core/testing';
import { sqlExecutorOf } from '@gatehouse/db';
import { describe, expect, it } from 'vitest';
import { JOB_SCHEMA } from './pg-boss-queue.js';
import { RELEASE_EXPIRED_HOLDS } from './release-expired-holds.js';
import { useQueueDatabase } from './testing/queue-database.js';
import { startWorkers } from './workers.js';

const t = useQueueDatabase();

describe('the expired-holds job', () => {
  it('is scheduled once a minute', async () => {
    await startWorkers(t.queue, {
      db: t.database.stores,
      config: loadConfig({ ISSUER: 'http://localhost:3000' }),
    });
    const { rows } = await sqlExecutorOf(t.database.database).executeSql(
      `select cron, timezone from ${JOB_SCHEMA}.schedule where name = $1`,
      [RELEASE_EXPIRED_HOLDS],
    );
    expect(rows).toEqual([{ cron: '* * * * *', timezone: 'UTC' }]);
  });

  it('releases a hold whose expiry passed: balance, held and allowance exact, a release entry', async () => {
    const stores = t.database.stores;
    const user = await createUser(stores);
    const client = await createClient(stores);
    await stores.ledger.apply({ userId: user.id, amount: 1000n, kind: 'credit', actor: 'admin' });
    await stores.grants.upsert(user.id, client.id, ['profile', 'charge']);
    const allowance = { limit: 600n, period: 'total' as const };
    await stores.charges.setAllowance(user.id, client.id, allowance);
    const now = new Date();
    const hold = (amount: bigint, expiresInMs: number) => ({
      id: unique('ch_'),
      userId: user.id,
      clientId: client.id,
      amount,
      capture: false,
      description: 'metered request',
      reference: null,
      allowance,
      periodStart: periodStart('total', now),
      holdExpiresAt: new Date(now.getTime() + expiresInMs),
      now,
    });
    const render = () => ({ status: 201, body: null });
    const lapsed = hold(300n, -60_000);
    const live = hold(200n, 3_600_000);
    for (const h of [lapsed, live]) {
      const key = { scope: `client:${client.id}:user:${user.id}`, key: unique('k'), fingerprint: 'f' };
      expect((await stores.charges.create(h, key, render)).kind).toBe('created');
    }
    expect(await stores.charges.getBalance(user.id)).toMatchObject({ quota: 500n, held: 500n });

    await t.queue.enqueue(RELEASE_EXPIRED_HOLDS, {});
    // The worker runs the job; wait until the lapsed hold is no longer held.
    while ((await stores.charges.get(lapsed.id))?.status === 'held') {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect((await stores.charges.get(lapsed.id))?.status).toBe('canceled');
    expect((await stores.charges.get(live.id))?.status).toBe('held');
    expect(await stores.charges.getBalance(user.id)).toMatchObject({ quota: 800n, held: 200n });
    expect(await stores.charges.usage(user.id, client.id, periodStart('total', now))).toBe(200n);
    const kinds = (await stores.ledger.listEntries(user.id, 10)).map((e) => e.kind);
    expect(kinds).toEqual(['release', 'hold', 'hold', 'credit']);
    expect(await stores.charges.checkLedger()).toEqual([]);
  });
});
