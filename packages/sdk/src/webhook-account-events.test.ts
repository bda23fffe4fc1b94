import { type Client, type JobQueue, keyEncryptionSecret, loadConfig, MAX_BALANCE } from '@gatehouse/core';
import { createClient, createUser, newRefreshToken, randomHash, unique } from '@gatehouse/core/testing';
import { deriveWebhookSecretKey, encryptWebhookSecret, newWebhookSecret } from '@gatehouse/core/webhooks';
import { sqlExecutorOf } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { JOB_QUEUES, startPgBossQueue, startWorkers } from '@gatehouse/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from './testing/webhook-receiver.js';
import { verifyWebhook, type WebhookEvent } from './webhooks.js';

/**
 * The account events end to end: each store change writes its event in its own transaction,
 * the job queue delivers it to a receiver on loopback, the app verifies it with the SDK.
 */
const config = loadConfig({ ISSUER: 'http://localhost:3000', LOG_LEVEL: 'silent' });
const secret = newWebhookSecret();
let database: TestDatabase;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let queue: JobQueue;
const events = (): WebhookEvent[] =>
  receiver.received.map((r) => verifyWebhook(secret, r.headers as Record<string, string>, r.body));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function hookedClient(): Promise<Client> {
  const client = await createClient(database.stores);
  const key = deriveWebhookSecretKey(keyEncryptionSecret(config));
  await database.stores.webhooks.setEndpoint(client.id, {
    url: receiver.url,
    encryptedSecret: await encryptWebhookSecret(secret, client.id, key),
  });
  return client;
}

async function topupCode(quota: bigint): Promise<string> {
  const codeHash = randomHash();
  await database.stores.topupCodes.createBatch({
    batchId: unique('batch'),
    quota,
    expiresAt: null,
    codeHashes: [codeHash],
    createdBy: 'admin',
  });
  return codeHash;
}

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver();
  queue = await startPgBossQueue({
    executor: sqlExecutorOf(database.database),
    queues: JOB_QUEUES,
    pollingIntervalSeconds: 0.5,
  });
  await startWorkers(queue, { db: database.stores, config, webhookRetryDelaySeconds: 0 });
});

afterAll(async () => {
  await queue?.stop();
  await receiver?.close();
  await database?.close();
});

describe('account webhooks', () => {
  it('delivers topup.completed, allowance.changed and grant.revoked, signed: the SDK verifies each', async () => {
    const { stores } = database;
    const client = await hookedClient();
    const user = await createUser(stores);
    await stores.grants.upsert(user.id, client.id, ['profile', 'charge'], { limit: 500n, period: 'day' });
    const sub = String(user.id);

    const redeemed = await stores.topupCodes.redeem(await topupCode(700n), user.id, new Date(), client.id);
    expect(redeemed.kind).toBe('redeemed');
    expect(await stores.charges.setAllowance(user.id, client.id, { limit: 900n, period: 'week' })).toBe(true);
    expect(await stores.charges.setAllowance(user.id, client.id, null)).toBe(true);
    const family = newRefreshToken(user, client);
    expect(await stores.refreshTokens.createForActiveUser(family)).toBe(true);
    expect(await stores.refreshTokens.revokeForUser(user.id, null, new Date(), 'password_reset')).toEqual([
      family.familyId,
    ]);
    expect(await stores.grants.delete(user.id, client.id)).toBe(true);

    await queue.enqueue('webhooks.dispatch', {});
    await until(() => receiver.received.length >= 5);
    const byType = (type: string) => events().filter((e) => e.type === type);
    expect(byType('topup.completed').map((e) => e.data)).toEqual([
      { object: 'topup', sub, quota: '700', balance_quota: '700' },
    ]);
    expect(byType('allowance.changed').map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { object: 'allowance', sub, allowance: { limit_quota: '900', period: 'week' } },
        { object: 'allowance', sub, allowance: null },
      ]),
    );
    expect(byType('grant.revoked').map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { object: 'grant', sub, reason: 'password_reset' },
        { object: 'grant', sub, reason: 'disconnected' },
      ]),
    );
    expect(events()).toHaveLength(5);
  });

  it('writes no event for a rolled-back change, an app the user never granted, or a revocation without a reason', async () => {
    const { stores } = database;
    const client = await hookedClient();
    const stranger = await hookedClient();
    const user = await createUser(stores);
    await stores.grants.upsert(user.id, client.id, ['profile']);

    // SEC-32 rolls the redemption back after the code was marked used: its event goes too.
    await stores.ledger.apply({ userId: user.id, amount: MAX_BALANCE - 10n, kind: 'credit', actor: 'admin' });
    expect((await stores.topupCodes.redeem(await topupCode(50n), user.id, new Date(), client.id)).kind).toBe(
      'balance_limit',
    );
    // SEC-98: anyone can put an app's client_id in a top-up link; the app hears only of its users.
    expect((await stores.topupCodes.redeem(await topupCode(5n), user.id, new Date(), stranger.id)).kind).toBe(
      'redeemed',
    );
    // Refused: no `charge` in the grant, so nothing changed.
    expect(await stores.charges.setAllowance(user.id, client.id, { limit: 1n, period: 'day' })).toBe(false);
    expect(await stores.refreshTokens.createForActiveUser(newRefreshToken(user, client))).toBe(true);
    expect(await stores.refreshTokens.revokeForUser(user.id, client.id, new Date())).toHaveLength(1);

    expect(await stores.webhooks.list(client.id, 10)).toEqual([]);
    expect(await stores.webhooks.list(stranger.id, 10)).toEqual([]);
  });
});
