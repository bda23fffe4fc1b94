import { type Client, type JobQueue, keyEncryptionSecret, loadConfig, type User } from '@gatehouse/core';
import { periodStart } from '@gatehouse/core/charges';
import { createClient, createUser, unique } from '@gatehouse/core/testing';
import { deriveWebhookSecretKey, encryptWebhookSecret, newWebhookSecret } from '@gatehouse/core/webhooks';
import { sqlExecutorOf } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { JOB_QUEUES, startPgBossQueue, startWorkers } from '@gatehouse/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReceivedDelivery, startWebhookReceiver } from './testing/webhook-receiver.js';
import { verifyWebhook, type WebhookEvent } from './webhooks.js';

/**
 * Webhooks end to end in one store mode: the charge store writes the outbox in the charge's
 * transaction, the job queue delivers to a receiver on loopback, the app verifies with the SDK.
 */
const config = loadConfig({ ISSUER: 'http://localhost:3000', LOG_LEVEL: 'silent' });
const secret = newWebhookSecret();
let database: TestDatabase;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let url: string;
const queues: JobQueue[] = [];

let received: ReceivedDelivery[] = [];
/** Answers per delivery; default 204. */
let answer: (delivery: ReceivedDelivery) => number = () => 204;

async function startQueue(): Promise<JobQueue> {
  const queue = await startPgBossQueue({
    executor: sqlExecutorOf(database.database),
    queues: JOB_QUEUES,
    pollingIntervalSeconds: 0.5,
  });
  queues.push(queue);
  await startWorkers(queue, { db: database.stores, config, webhookRetryDelaySeconds: 0 });
  return queue;
}

function eventsOf(type?: string): WebhookEvent[] {
  return received
    .map((r) => verifyWebhook(secret, r.headers as Record<string, string>, r.body))
    .filter((e) => type === undefined || e.type === type);
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

let user: User;
let client: Client;
const allowance = { limit: 10_000n, period: 'total' as const };
const render = () => ({ status: 201, body: null });
const idem = () => ({ scope: `client:${client.id}:user:${user.id}`, key: unique('k'), fingerprint: 'f' });
function newCharge(amount: bigint, capture: boolean) {
  const now = new Date();
  return {
    id: unique('ch_'),
    userId: user.id,
    clientId: client.id,
    amount,
    capture,
    description: 'premium feature',
    reference: null,
    allowance,
    periodStart: periodStart('total', now),
    holdExpiresAt: capture ? null : new Date(now.getTime() + 3_600_000),
    now,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver((delivery) => answer(delivery));
  received = receiver.received;
  url = receiver.url;
  const stores = database.stores;
  user = await createUser(stores);
  client = await createClient(stores);
  await stores.ledger.apply({ userId: user.id, amount: 5000n, kind: 'credit', actor: 'admin' });
  await stores.grants.upsert(user.id, client.id, ['profile', 'charge']);
  await stores.charges.setAllowance(user.id, client.id, allowance);
  const key = deriveWebhookSecretKey(keyEncryptionSecret(config));
  await stores.webhooks.setEndpoint(client.id, {
    url,
    encryptedSecret: await encryptWebhookSecret(secret, client.id, key),
  });
});

afterAll(async () => {
  for (const queue of queues) await queue.stop();
  await receiver?.close();
  await database?.close();
});

describe('webhooks', () => {
  it('delivers every charge event, signed: the SDK verifies each', async () => {
    const queue = await startQueue();
    const { charges } = database.stores;
    const paid = newCharge(100n, true);
    const held = newCharge(300n, false);
    const dropped = newCharge(50n, false);
    for (const c of [paid, held, dropped])
      expect((await charges.create(c, idem(), render)).kind).toBe('created');
    const now = new Date();
    expect(
      (await charges.capture({ chargeId: held.id, clientId: client.id, now, amount: 200n }, null, render))
        .kind,
    ).toBe('done');
    expect(
      (await charges.cancel({ chargeId: dropped.id, clientId: client.id, now }, null, render)).kind,
    ).toBe('done');
    expect(
      (
        await charges.refund(
          {
            chargeId: paid.id,
            clientId: client.id,
            now,
            refundId: unique('re_'),
            amount: 40n,
            reason: 'sorry',
            actor: 'client',
          },
          null,
          render,
        )
      ).kind,
    ).toBe('done');

    await queue.enqueue('webhooks.dispatch', {});
    await until(() => received.length >= 6);
    const events = eventsOf();
    expect(events.map((e) => e.type).sort()).toEqual(
      [
        'charge.canceled',
        'charge.captured',
        'charge.held',
        'charge.held',
        'charge.refunded',
        'charge.succeeded',
      ].sort(),
    );
    const captured = events.find((e) => e.type === 'charge.captured')!;
    expect(captured.data).toMatchObject({ id: held.id, status: 'succeeded', captured_quota: '200' });
    const refunded = events.find((e) => e.type === 'charge.refunded')!;
    expect(refunded.data).toMatchObject({
      id: paid.id,
      refunded_quota: '40',
      refund: { quota: '40', reason: 'sorry' },
    });
    for (const r of received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-signature']).toMatch(/^v1,/);
    }
    const stored = await database.stores.webhooks.list(client.id, 10);
    expect(
      stored.every((e) => e.status === 'succeeded' && e.attempts === 1 && e.lastResponseCode === 204),
    ).toBe(true);
  });

  it('retries a receiver that fails 3 times, then succeeds', async () => {
    received.length = 0;
    let failures = 0;
    answer = () => (failures++ < 3 ? 500 : 200);
    const queue = queues[0]!;
    const c = newCharge(10n, true);
    await database.stores.charges.create(c, idem(), render);
    await queue.enqueue('webhooks.dispatch', {});
    await until(() => received.length >= 4);
    const ids = received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    expect(received).toHaveLength(4);
    const [event] = await database.stores.webhooks.list(client.id, 1);
    await until(async () => (await database.stores.webhooks.get(event!.id))?.status === 'succeeded');
    expect(await database.stores.webhooks.get(event!.id)).toMatchObject({
      attempts: 4,
      lastResponseCode: 200,
    });
    answer = () => 204;
  });

  it('delivers after a restart an event committed while no worker ran', async () => {
    received.length = 0;
    for (const queue of queues.splice(0)) await queue.stop();
    const c = newCharge(20n, true);
    await database.stores.charges.create(c, idem(), render);
    expect(received).toHaveLength(0);
    await startQueue();
    await until(() => received.length >= 1);
    expect(eventsOf('charge.succeeded').map((e) => e.data.id)).toEqual([c.id]);
  });
});
