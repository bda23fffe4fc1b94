import { type Client, keyEncryptionSecret } from '@gatehouse/core';
import { decryptWebhookSecret, deriveWebhookSecretKey } from '@gatehouse/core/webhooks';
import { testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  type Browser,
  hiddenField,
  ISSUER,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../../testing/harness.js';
import { csrfOf, expectPageHeaders, signedInBrowser, textOf } from '../../testing/people.js';

const world = useAuthorizeApp({ production: true });

const WHSEC = /whsec_[A-Za-z0-9+/=]{44}/g;
const key = deriveWebhookSecretKey(keyEncryptionSecret(testConfig({ ISSUER })));

async function storedSecret(client: Client): Promise<string> {
  const endpoint = await world.stores.db.webhooks.getEndpoint(client.id);
  return decryptWebhookSecret(endpoint!.encryptedSecret, client.id, key);
}

/** A signed-in developer with an app of their own. */
async function developerWithApp(on: FastifyInstance = world.app) {
  const { user, browser } = await signedInBrowser(
    on,
    world.stores,
    on === world.production ? 'https://id.example.com' : undefined,
  );
  const { client } = await seedClient(world.stores, { ownerUserId: user.id });
  return { user, browser, client, base: `/console/apps/${client.id}/webhook` };
}

/** Submits the URL form of the webhook page, as a browser would. */
async function saveUrl(browser: Browser, base: string, url: string): Promise<LightMyRequestResponse> {
  const page = await browser.get(base);
  return browser.post(base, {
    webhook_url: url,
    _csrf: csrfOf(page, base),
    form_id: hiddenField(page.body, 'form_id', base),
  });
}

/** Posts a button form (test event, resend, remove) found on the webhook page. */
async function press(browser: Browser, base: string, action: string): Promise<LightMyRequestResponse> {
  const page = await browser.get(base);
  return browser.post(action, { _csrf: csrfOf(page, action) });
}

describe('the webhook page', () => {
  it('is linked from the app page and starts without a webhook', async () => {
    const { browser, client, base } = await developerWithApp();
    expect((await browser.get(`/console/apps/${client.id}`)).body).toContain(`href="${base}"`);
    const page = await browser.get(base);
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page, 'webhook page');
    expect(page.body).toContain('<label for="webhook_url">');
    expect(page.body).toContain('No webhook yet');
    expect(page.body).not.toContain('Send test event');
  });

  it('sets the URL and shows a whsec_ secret once, stored encrypted; a resubmission does not make another', async () => {
    const { user, browser, client, base } = await developerWithApp();
    const form = await browser.get(base);
    const fields = {
      webhook_url: 'https://hooks.example.com/gatehouse',
      _csrf: csrfOf(form, base),
      form_id: hiddenField(form.body, 'form_id', base),
    };
    const set = await browser.post(base, fields);
    expect(set.statusCode).toBe(200);
    expect(set.body.match(WHSEC)).toHaveLength(1);
    const secret = textOf(set.body, 'webhook-secret');
    expect(await storedSecret(client)).toBe(secret);
    expect((await world.stores.db.webhooks.getEndpoint(client.id))?.encryptedSecret).not.toContain(
      secret.slice(6),
    );

    const again = await browser.post(base, fields);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`${base}?notice=already_set`);
    expect(await storedSecret(client)).toBe(secret);

    const page = await browser.get(base);
    expect(textOf(page.body, 'webhook-url')).toBe('https://hooks.example.com/gatehouse');
    expect(page.body).not.toMatch(WHSEC);
    const audit = await world.stores.db.audit.list({ userId: user.id, type: 'client.webhook_set', limit: 5 });
    expect(audit[0]).toMatchObject({ clientId: client.clientId, data: { via: 'console' } });
  });

  it('changing the URL keeps the secret', async () => {
    const { browser, client, base } = await developerWithApp();
    const secret = textOf((await saveUrl(browser, base, 'https://a.example.com/h')).body, 'webhook-secret');
    const moved = await saveUrl(browser, base, 'https://b.example.com/h');
    expect(moved.statusCode).toBe(303);
    expect(moved.headers.location).toBe(`${base}?notice=saved`);
    expect((await world.stores.db.webhooks.getEndpoint(client.id))?.url).toBe('https://b.example.com/h');
    expect(await storedSecret(client)).toBe(secret);
  });

  it('refuses the URLs the developer API refuses (SEC-93), with the error on the field', async () => {
    const { browser, client, base } = await developerWithApp();
    const plain = await saveUrl(browser, base, 'http://hooks.example.com/h');
    expect(plain.statusCode).toBe(400);
    expect(plain.body).toContain('aria-invalid="true"');
    expect(textOf(plain.body, 'webhook_url-error')).toMatch(/The webhook URL must use https/);
    expect(plain.body).toContain('value="http://hooks.example.com/h"');
    for (const bad of [
      'not a url',
      'https://user:pw@hooks.example.com/h',
      'https://hooks.example.com/h#x',
      '',
    ]) {
      expect((await saveUrl(browser, base, bad)).statusCode, bad).toBe(400);
    }
    expect(await world.stores.db.webhooks.getEndpoint(client.id)).toBeNull();
    // Loopback over plain http: only outside production.
    expect((await saveUrl(browser, base, 'http://127.0.0.1:9999/h')).statusCode).toBe(200);
    const live = await developerWithApp(world.production);
    const refused = await saveUrl(live.browser, live.base, 'http://127.0.0.1:9999/h');
    expect(refused.statusCode).toBe(400);
    expect(await world.stores.db.webhooks.getEndpoint(live.client.id)).toBeNull();
  });

  it('rotates the secret after a confirmation page, showing the new one once', async () => {
    const { user, browser, client, base } = await developerWithApp();
    const first = textOf(
      (await saveUrl(browser, base, 'https://hooks.example.com/h')).body,
      'webhook-secret',
    );
    expect((await browser.get(base)).body).toContain(`href="${base}/secret"`);
    const confirm = await browser.get(`${base}/secret`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Rotate the webhook secret');
    expect(await storedSecret(client)).toBe(first);

    const action = `${base}/secret`;
    const fields = { _csrf: csrfOf(confirm, action), form_id: hiddenField(confirm.body, 'form_id', action) };
    const rotated = await browser.post(action, fields);
    expect(rotated.statusCode).toBe(200);
    const next = textOf(rotated.body, 'webhook-secret');
    expect(next).toMatch(WHSEC);
    expect(next).not.toBe(first);
    expect(await storedSecret(client)).toBe(next);

    const again = await browser.post(action, fields);
    expect(again.headers.location).toBe(`${base}?notice=already_rotated`);
    expect(await storedSecret(client)).toBe(next);
    const audit = await world.stores.db.audit.list({
      userId: user.id,
      type: 'client.webhook_secret_rotated',
      limit: 5,
    });
    expect(audit).toHaveLength(1);
  });

  it('without a URL, the rotation page sends you back and there is nothing to rotate', async () => {
    const { browser, base } = await developerWithApp();
    const confirm = await browser.get(`${base}/secret`);
    expect(confirm.statusCode).toBe(302);
    expect(confirm.headers.location).toBe(base);
    const csrf = await browser.sessionCsrf();
    expect((await browser.post(`${base}/secret`, { _csrf: csrf })).statusCode).toBe(404);
    expect((await browser.post(`${base}/test`, { _csrf: csrf })).statusCode).toBe(404);
  });

  it('sends a test event, lists deliveries newest first, and resends one under the same id', async () => {
    const { user, browser, client, base } = await developerWithApp();
    await saveUrl(browser, base, 'https://hooks.example.com/h');
    const test = await press(browser, base, `${base}/test`);
    expect(test.statusCode).toBe(303);
    expect(test.headers.location).toBe(`${base}?notice=test_queued`);
    const [event] = await world.stores.db.webhooks.list(client.id, 10);
    expect(event).toMatchObject({ type: 'webhook.test', status: 'pending', attempts: 0 });

    // As the delivery job would: one try, answered 204.
    await world.stores.db.webhooks.markDispatched([event!.id], new Date());
    await world.stores.db.webhooks.recordAttempt({
      eventId: event!.id,
      succeeded: true,
      final: false,
      responseCode: 204,
      error: null,
      at: new Date(),
    });
    await press(browser, base, `${base}/test`);
    const page = await browser.get(base);
    const rows = page.body.match(/<tr data-delivery="evt_[0-9a-f]+">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(event!.id);
    expect(rows[1]).toContain('Delivered');
    expect(rows[1]).toMatch(/delivery-attempts">1</);
    expect(rows[1]).toMatch(/delivery-response">204</);
    expect(rows[0]).toContain('Pending');

    const action = `${base}/deliveries/${event!.id}/resend`;
    const resent = await press(browser, base, action);
    expect(resent.statusCode).toBe(303);
    expect(resent.headers.location).toBe(`${base}?notice=resent`);
    expect(await world.stores.db.webhooks.get(event!.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await world.stores.db.webhooks.undispatched(1000)).map((e) => e.id)).toContain(event!.id);
    const audit = await world.stores.db.audit.list({
      userId: user.id,
      type: 'client.webhook_resent',
      limit: 5,
    });
    expect(audit[0]?.data).toMatchObject({ event_id: event!.id, via: 'console' });
    const unknown = await browser.post(`${base}/deliveries/evt_unknown/resend`, {
      _csrf: await browser.sessionCsrf(),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('removes the webhook', async () => {
    const { browser, client, base } = await developerWithApp();
    await saveUrl(browser, base, 'https://hooks.example.com/h');
    const removed = await press(browser, base, `${base}/remove`);
    expect(removed.headers.location).toBe(`${base}?notice=removed`);
    expect(await world.stores.db.webhooks.getEndpoint(client.id)).toBeNull();
    expect((await browser.get(removed.headers.location as string)).body).toContain('Webhook removed');
  });
});

/** Another developer's app with a webhook and one delivered event. */
async function theirAppWithDelivery() {
  const owner = await developerWithApp();
  await saveUrl(owner.browser, owner.base, 'https://theirs.example.com/h');
  await press(owner.browser, owner.base, `${owner.base}/test`);
  const [event] = await world.stores.db.webhooks.list(owner.client.id, 1);
  await world.stores.db.webhooks.markDispatched([event!.id], new Date());
  return { ...owner, event: event! };
}

describe('another developer’s app', () => {
  it('does not exist for you: 404 on every webhook page and form, nothing changes', async () => {
    const theirs = await theirAppWithDelivery();
    const before = await world.stores.db.webhooks.getEndpoint(theirs.client.id);
    const { browser } = await signedInBrowser(world.app, world.stores);
    const csrf = await browser.sessionCsrf();
    for (const path of ['', '/secret']) {
      const response = await browser.get(`${theirs.base}${path}`);
      expect(response.statusCode, path).toBe(404);
      expect(response.body).not.toContain('theirs.example.com');
    }
    for (const path of ['', '/secret', '/test', '/remove', `/deliveries/${theirs.event.id}/resend`]) {
      const response = await browser.post(`${theirs.base}${path}`, {
        webhook_url: 'https://evil.example/h',
        _csrf: csrf,
      });
      expect(response.statusCode, path).toBe(404);
    }
    expect(await world.stores.db.webhooks.getEndpoint(theirs.client.id)).toEqual(before);
    expect(await world.stores.db.webhooks.list(theirs.client.id, 10)).toHaveLength(1);
    expect((await world.stores.db.webhooks.undispatched(1000)).map((e) => e.id)).not.toContain(
      theirs.event.id,
    );
  });

  it('your own app cannot resend their delivery either', async () => {
    const theirs = await theirAppWithDelivery();
    const mine = await developerWithApp();
    await saveUrl(mine.browser, mine.base, 'https://mine.example.com/h');
    const response = await mine.browser.post(`${mine.base}/deliveries/${theirs.event.id}/resend`, {
      _csrf: await mine.browser.sessionCsrf(),
    });
    expect(response.statusCode).toBe(404);
    expect((await world.stores.db.webhooks.undispatched(1000)).map((e) => e.id)).not.toContain(
      theirs.event.id,
    );
  });
});

describe('SECURITY 16: every webhook form needs the session CSRF token', () => {
  it('403 without _csrf or from a foreign origin; nothing changes', async () => {
    const { browser, client, base } = await developerWithApp();
    const secret = textOf(
      (await saveUrl(browser, base, 'https://hooks.example.com/h')).body,
      'webhook-secret',
    );
    await press(browser, base, `${base}/test`);
    const [event] = await world.stores.db.webhooks.list(client.id, 1);
    await world.stores.db.webhooks.markDispatched([event!.id], new Date());
    const csrf = await browser.sessionCsrf();
    const form = { webhook_url: 'https://evil.example/h' };
    for (const url of [
      base,
      `${base}/secret`,
      `${base}/test`,
      `${base}/remove`,
      `${base}/deliveries/${event!.id}/resend`,
    ]) {
      expect((await browser.post(url, form)).statusCode, url).toBe(403);
      expect((await browser.post(url, { ...form, _csrf: 'x'.repeat(43) })).statusCode, url).toBe(403);
      expect(
        (await browser.post(url, { ...form, _csrf: csrf }, { origin: 'https://evil.example' })).statusCode,
        url,
      ).toBe(403);
    }
    expect((await world.stores.db.webhooks.getEndpoint(client.id))?.url).toBe('https://hooks.example.com/h');
    expect(await storedSecret(client)).toBe(secret);
    expect(await world.stores.db.webhooks.list(client.id, 10)).toHaveLength(1);
    expect((await world.stores.db.webhooks.undispatched(1000)).map((e) => e.id)).not.toContain(event!.id);
  });
});

describe('signed out', () => {
  it('→ /login', async () => {
    const owner = await seedUser(world.stores);
    const { client } = await seedClient(world.stores, { ownerUserId: owner.id });
    const response = await world.app.inject({ method: 'GET', url: `/console/apps/${client.id}/webhook` });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toMatch(/^\/login\?return_to=/);
  });
});
