import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keyEncryptionSecret, loadConfig } from '@gatehouse/core';
import { createClient, unique } from '@gatehouse/core/testing';
import {
  type DeliveryOutcome,
  type DestinationPolicy,
  deriveWebhookSecretKey,
  encryptWebhookSecret,
  newWebhookSecret,
} from '@gatehouse/core/webhooks';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook, type WebhookWorkerOptions } from './webhooks.js';

/**
 * SEC-93 on the wire: a refused destination is never connected to, and a redirect is never
 * followed. Receivers on loopback count every connection made to them.
 */
const config = loadConfig({ ISSUER: 'http://localhost:3000', LOG_LEVEL: 'silent' });
const secretKey = deriveWebhookSecretKey(keyEncryptionSecret(config));
let database: TestDatabase;

interface Receiver {
  server: Server;
  port: number;
  hits: number;
}
const receivers: Receiver[] = [];

async function receiver(host: string, answer: (r: Receiver) => [number, Record<string, string>]) {
  const r: Receiver = { server: createServer(), port: 0, hits: 0 };
  // Connections, not requests: a refused destination must not even get a TCP handshake.
  r.server.on('connection', () => {
    r.hits += 1;
  });
  r.server.on('request', (request, response) => {
    request.resume();
    const [status, headers] = answer(r);
    response.writeHead(status, headers).end();
  });
  await new Promise<void>((resolve) => r.server.listen(0, host, resolve));
  r.port = (r.server.address() as AddressInfo).port;
  receivers.push(r);
  return r;
}

const outcomes: DeliveryOutcome[] = [];
const options = (production: boolean): WebhookWorkerOptions => ({
  db: database.stores,
  maxAttempts: 1,
  retryDelaySeconds: 0,
  secretKey,
  policy: { production } satisfies DestinationPolicy,
  now: () => new Date(),
  observer: { delivery: (outcome) => outcomes.push(outcome) },
});

/** One event to an app whose webhook URL is `url`, tried once under the policy. */
async function deliverTo(url: string, production: boolean) {
  const client = await createClient(database.stores);
  await database.stores.webhooks.setEndpoint(client.id, {
    url,
    encryptedSecret: await encryptWebhookSecret(newWebhookSecret(), client.id, secretKey),
  });
  const id = unique('evt_');
  await database.stores.webhooks.record({
    id,
    clientId: client.id,
    type: 'webhook.test',
    data: {},
    createdAt: new Date(),
  });
  outcomes.length = 0;
  await deliverWebhook(id, 1, options(production));
  return { event: await database.stores.webhooks.get(id), outcomes: [...outcomes] };
}

let ipv6 = true;
beforeAll(async () => {
  database = await createTestDatabase();
  await receiver('::1', () => [204, {}]).catch(() => {
    ipv6 = false;
  });
});

afterAll(async () => {
  for (const r of receivers) await new Promise((resolve) => r.server.close(resolve));
  await database?.close();
});

describe('webhook delivery (SEC-93, SEC-99)', () => {
  it('in production never connects to a name or literal that is loopback, private or link-local', async () => {
    const local = await receiver('127.0.0.1', () => [204, {}]);
    const targets = [
      `http://localhost:${local.port}/hooks`,
      `http://127.0.0.1:${local.port}/hooks`,
      `http://[::ffff:127.0.0.1]:${local.port}/hooks`,
      'http://[fe80::1]:9/hooks',
      'https://10.0.0.1/hooks',
    ];
    const six = ipv6 ? receivers[0]! : null;
    if (six) targets.push(`http://[::1]:${six.port}/hooks`);
    for (const url of targets) {
      const { event, outcomes } = await deliverTo(url, true);
      expect(outcomes, url).toEqual(['refused_destination']);
      expect(event, url).toMatchObject({ status: 'failed', attempts: 1, lastResponseCode: null });
      expect(event!.lastError, url).toMatch(/resolves to an address webhooks may not reach/);
    }
    expect(local.hits).toBe(0);
    if (six) expect(six.hits).toBe(0);

    // The same receiver is reachable outside production: the count above would have moved.
    const { event, outcomes } = await deliverTo(`http://localhost:${local.port}/hooks`, false);
    expect(outcomes).toEqual(['delivered']);
    expect(event).toMatchObject({ status: 'succeeded', lastResponseCode: 204 });
    expect(local.hits).toBe(1);
  });

  it('never follows a redirect: a 302 is a failed try and its target sees nothing', async () => {
    const target = await receiver('127.0.0.1', () => [204, {}]);
    const redirecting = await receiver('127.0.0.1', () => [
      302,
      { location: `http://127.0.0.1:${target.port}/elsewhere` },
    ]);
    const { event, outcomes } = await deliverTo(`http://127.0.0.1:${redirecting.port}/hooks`, false);
    expect(redirecting.hits).toBe(1);
    expect(target.hits).toBe(0);
    expect(outcomes).toEqual(['failed_final']);
    expect(event).toMatchObject({ status: 'failed', lastResponseCode: 302, lastError: 'HTTP 302' });
  });

  it('the backlog is the pending events: counted, the oldest dated; delivered and given-up ones leave it', async () => {
    const { webhooks } = database.stores;
    const before = await webhooks.backlog();
    expect(before).toEqual({ count: 0, oldestCreatedAt: null });
    const client = await createClient(database.stores);
    const older = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const ids = [unique('evt_'), unique('evt_')];
    await webhooks.record({
      id: ids[0]!,
      clientId: client.id,
      type: 'webhook.test',
      data: {},
      createdAt: older,
    });
    await webhooks.record({
      id: ids[1]!,
      clientId: client.id,
      type: 'webhook.test',
      data: {},
      createdAt: new Date(),
    });
    expect(await webhooks.backlog()).toEqual({ count: 2, oldestCreatedAt: older });

    const attempt = { responseCode: null, error: null, at: new Date() };
    await webhooks.recordAttempt({ ...attempt, eventId: ids[0]!, succeeded: true, final: false });
    expect((await webhooks.backlog()).count).toBe(1);
    await webhooks.recordAttempt({ ...attempt, eventId: ids[1]!, succeeded: false, final: true });
    expect(await webhooks.backlog()).toEqual({ count: 0, oldestCreatedAt: null });
  });
});
