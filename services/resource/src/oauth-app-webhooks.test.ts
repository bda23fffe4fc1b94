import { keyEncryptionSecret } from '@gatehouse/core';
import { decryptWebhookSecret, deriveWebhookSecretKey } from '@gatehouse/core/webhooks';
import { testConfig } from '@gatehouse/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { bearer, createUser, issueDeveloperToken, useTestApp } from './testing/fixtures.js';

const t = useTestApp();

async function ownApp() {
  const user = await createUser(t.stores);
  const headers = bearer(await issueDeveloperToken(t.stores, user));
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/oauth_apps',
    headers,
    payload: {
      name: 'Hooked',
      description: 'Gets webhooks',
      redirect_uri: 'https://hooked.example.com/cb',
      homepage_url: 'https://hooked.example.com',
    },
  });
  expect(created.statusCode).toBe(201);
  return { headers, id: created.json().data.id as number };
}

describe('/api/oauth_apps/{id}/webhook', () => {
  it('sets a URL with a whsec_ secret shown once, stored encrypted; rotates; removes', async () => {
    const { headers, id } = await ownApp();
    const url = `/api/oauth_apps/${id}/webhook`;
    const set = await t.app.inject({
      method: 'PUT',
      url,
      headers,
      payload: { webhook_url: 'https://hooked.example.com/hooks' },
    });
    expect(set.statusCode).toBe(200);
    const secret = set.json().data.webhook_secret as string;
    expect(secret).toMatch(/^whsec_/);

    const stored = await t.stores.db.webhooks.getEndpoint(id);
    expect(stored?.encryptedSecret).not.toContain(secret.slice(6));
    const key = deriveWebhookSecretKey(keyEncryptionSecret(testConfig()));
    expect(await decryptWebhookSecret(stored!.encryptedSecret, id, key)).toBe(secret);

    const read = await t.app.inject({ method: 'GET', url, headers });
    expect(read.json().data).toEqual({ webhook_url: 'https://hooked.example.com/hooks' });

    const moved = await t.app.inject({
      method: 'PUT',
      url,
      headers,
      payload: { webhook_url: 'https://hooked.example.com/v2' },
    });
    expect(moved.json().data).toEqual({ webhook_url: 'https://hooked.example.com/v2' });

    const rotated = await t.app.inject({ method: 'POST', url: `${url}/secret`, headers });
    const next = rotated.json().data.webhook_secret as string;
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(secret);

    const test = await t.app.inject({ method: 'POST', url: `${url}/test`, headers });
    expect(test.statusCode).toBe(202);
    const deliveries = await t.app.inject({ method: 'GET', url: `${url}/deliveries`, headers });
    expect(deliveries.json().data).toMatchObject([{ type: 'webhook.test', status: 'pending', attempts: 0 }]);

    expect((await t.app.inject({ method: 'DELETE', url, headers })).statusCode).toBe(200);
    expect(await t.stores.db.webhooks.getEndpoint(id)).toBeNull();
  });

  it('refuses plain http except to loopback, and another developer’s app', async () => {
    const { headers, id } = await ownApp();
    const url = `/api/oauth_apps/${id}/webhook`;
    const plain = await t.app.inject({
      method: 'PUT',
      url,
      headers,
      payload: { webhook_url: 'http://hooked.example.com/h' },
    });
    expect(plain.statusCode).toBe(400);
    expect(plain.json().message).toMatch(/https/);
    const loopback = await t.app.inject({
      method: 'PUT',
      url,
      headers,
      payload: { webhook_url: 'http://127.0.0.1:9999/h' },
    });
    expect(loopback.statusCode).toBe(200);
    const other = await ownApp();
    const foreign = await t.app.inject({
      method: 'PUT',
      url,
      headers: other.headers,
      payload: { webhook_url: 'https://x.example/h' },
    });
    expect(foreign.statusCode).toBe(404);
  });
});

describe('POST /api/oauth_apps/{id}/webhook/deliveries/{delivery_id}/resend', () => {
  it('puts a delivered event back in the queue under the same id, keeping its attempts', async () => {
    const { headers, id } = await ownApp();
    const url = `/api/oauth_apps/${id}/webhook`;
    await t.app.inject({
      method: 'PUT',
      url,
      headers,
      payload: { webhook_url: 'https://hooked.example.com/h' },
    });
    const test = await t.app.inject({ method: 'POST', url: `${url}/test`, headers });
    const eventId = test.json().data.id as string;
    // As the delivery job would: one successful try, and the event no longer undispatched.
    await t.stores.db.webhooks.markDispatched([eventId], new Date());
    await t.stores.db.webhooks.recordAttempt({
      eventId,
      succeeded: true,
      final: false,
      responseCode: 204,
      error: null,
      at: new Date(),
    });

    const resent = await t.app.inject({
      method: 'POST',
      url: `${url}/deliveries/${eventId}/resend`,
      headers,
    });
    expect(resent.statusCode).toBe(202);
    expect(resent.json().data).toMatchObject({
      id: eventId,
      status: 'pending',
      attempts: 1,
      response_code: 204,
    });
    expect((await t.stores.db.webhooks.undispatched(1000)).map((e) => e.id)).toContain(eventId);
    const audit = await t.stores.db.audit.list({ type: 'client.webhook_resent', limit: 100 });
    expect(audit.some((entry) => entry.data.event_id === eventId)).toBe(true);
  });

  it('404 for another app’s delivery, an unknown one, and an app without a webhook URL', async () => {
    const mine = await ownApp();
    const theirs = await ownApp();
    await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${theirs.id}/webhook`,
      headers: theirs.headers,
      payload: { webhook_url: 'https://theirs.example.com/h' },
    });
    const test = await t.app.inject({
      method: 'POST',
      url: `/api/oauth_apps/${theirs.id}/webhook/test`,
      headers: theirs.headers,
    });
    const theirEvent = test.json().data.id as string;
    await t.stores.db.webhooks.markDispatched([theirEvent], new Date());
    const resend = (appId: number, eventId: string, headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/oauth_apps/${appId}/webhook/deliveries/${eventId}/resend`,
        headers,
      });
    // Without a URL of its own, and then with one: another app's event is not its to resend.
    expect((await resend(mine.id, theirEvent, mine.headers)).statusCode).toBe(404);
    await t.app.inject({
      method: 'PUT',
      url: `/api/oauth_apps/${mine.id}/webhook`,
      headers: mine.headers,
      payload: { webhook_url: 'https://mine.example.com/h' },
    });
    expect((await resend(mine.id, theirEvent, mine.headers)).statusCode).toBe(404);
    expect((await resend(theirs.id, theirEvent, mine.headers)).statusCode).toBe(404);
    expect((await resend(mine.id, 'evt_unknown', mine.headers)).statusCode).toBe(404);
    // None of the refused resends put their event back in the queue.
    expect((await t.stores.db.webhooks.undispatched(1000)).map((e) => e.id)).not.toContain(theirEvent);
  });
});
