/**
 * The console's Webhooks page in a real Chromium, with the job queue running: a developer
 * sets a loopback webhook URL and gets the whsec_ secret once, sends a test event, sees it
 * delivered (a real receiver answered 204, the signature verifies with that secret), and
 * resends it — the receiver gets it again under the same webhook-id.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newClientCredentials } from '@gatehouse/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPages, signInAtProvider, text, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The Standard Webhooks signature check, by hand (what the SDK's verifyWebhook does). */
function signedWith(secret: string, delivery: Received): boolean {
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${delivery.body}`).digest('base64');
  return String(delivery.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

/** Reloads the page until the delivery row matches (bounded: at most ~20 s). */
async function reloadUntil(page: Page, row: string, wanted: RegExp): Promise<string> {
  let seen = '';
  for (let i = 0; i < 80; i++) {
    seen = (await page.locator(row).textContent()) ?? '';
    if (wanted.test(seen)) return seen;
    await page.waitForTimeout(250);
    await page.reload();
  }
  throw new Error(`delivery row never matched ${wanted}: ${seen}`);
}

describe.skipIf(SKIP_BROWSER)('webhooks in the developer console (Chromium)', () => {
  const suite = useSuite({ jobs: true });
  const received: Received[] = [];
  let receiver: Server;
  let receiverUrl: string;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('set a webhook URL → secret shown once → send test event → delivered → resend → same webhook-id again', async () => {
    const { world } = suite;
    const s = await suite.open('console-webhooks');
    const developer = await world.seedUser('hugo', 0n);
    const credentials = newClientCredentials();
    const client = await world.stack.stores.db.clients.create({
      clientId: credentials.clientId,
      secretHash: credentials.secretHash,
      name: 'Hooked App',
      description: 'Wants to hear about its charges.',
      homepageUrl: null,
      redirectUris: ['http://localhost:5066/callback'],
      allowedScopes: ['profile', 'balance'],
      ownerUserId: developer.id,
      trusted: false,
    });
    const page = await s.newPage();
    await page.goto(`${world.provider}/console/apps/${client.id}`);
    await signInAtProvider(s, page, developer, 'provider-login');
    await waitForPath(page, world.provider, `/console/apps/${client.id}`);
    await page.getByRole('link', { name: 'Manage webhooks' }).click();
    await waitForPath(page, world.provider, `/console/apps/${client.id}/webhook`);
    expect(await text(page, 'h1')).toBe('Webhooks');

    await page.getByLabel('Webhook URL').fill(receiverUrl);
    await page.getByRole('button', { name: 'Set webhook URL' }).click();
    await page.locator('#webhook-secret').waitFor();
    const secret = await text(page, '#webhook-secret');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await text(page, '#webhook-url')).toBe(receiverUrl);
    await s.shot(page, 'webhook-set');

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('p.success').waitFor();
    expect(await text(page, 'p.success')).toContain('Test event queued');
    expect(await page.content()).not.toContain(secret);
    const row = '#deliveries-table tbody tr';
    const delivered = await reloadUntil(page, row, /Delivered/);
    expect(delivered).toContain('webhook.test');
    expect(await text(page, `${row} .delivery-attempts`)).toBe('1');
    expect(await text(page, `${row} .delivery-response`)).toBe('204');
    await s.shot(page, 'webhook-delivered');

    expect(received).toHaveLength(1);
    const first = received[0]!;
    expect(signedWith(secret, first)).toBe(true);
    const eventId = String(first.headers['webhook-id']);
    expect(JSON.parse(first.body)).toMatchObject({ id: eventId, type: 'webhook.test' });

    await page.getByRole('button', { name: /^Resend webhook\.test/ }).click();
    await page.locator('p.success').waitFor();
    expect(await text(page, 'p.success')).toContain('Delivery queued again');
    await reloadUntil(page, `${row} .delivery-attempts`, /^2$/);
    expect(await text(page, `${row} .delivery-status`)).toContain('Delivered');
    await s.shot(page, 'webhook-resent');
    expect(received).toHaveLength(2);
    expect(received[1]!.headers['webhook-id']).toBe(eventId);
    expect(signedWith(secret, received[1]!)).toBe(true);
    expectCleanPages(s);
  });
});
