import { randomBytes } from 'node:crypto';
import { type Config, keyEncryptionSecret, type Stores, type WebhookEvent } from '@gatehouse/core';
import {
  deriveWebhookSecretKey,
  encryptWebhookSecret,
  newEventId,
  newWebhookSecret,
  TEST_EVENT_TYPE,
  webhookUrlProblem,
} from '@gatehouse/core/webhooks';
import { WEBHOOK_DISPATCH } from '@gatehouse/jobs';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { badRequest, notFound, ok } from '../envelope.js';
import { audit } from '../request-parts.js';
import { developerOf, ownedApp } from './oauth-apps.js';

function deliveryJson(event: WebhookEvent) {
  return {
    id: event.id,
    type: event.type,
    created: Math.floor(event.createdAt.getTime() / 1000),
    status: event.status,
    attempts: event.attempts,
    response_code: event.lastResponseCode,
    error: event.lastError,
    delivered_time: event.deliveredAt ? Math.floor(event.deliveredAt.getTime() / 1000) : null,
  };
}

/**
 * `/api/oauth_apps/{id}/webhook…` (API.md §15): an app's webhook URL, its signing secret
 * (shown once, on creation and rotation; stored encrypted, SEC-95), its recent deliveries,
 * and a test event. Registered inside the developer API plugin, behind its token check.
 */
export const oauthAppWebhookRoutes: FastifyPluginAsync<{ stores: Stores; config: Config }> = async (
  app,
  { stores, config },
) => {
  const secretKey = deriveWebhookSecretKey(keyEncryptionSecret(config));
  const policy = { production: config.env === 'production' };

  /** Hands new events to the queue now instead of at the next minute's tick. */
  async function kick(request: FastifyRequest) {
    await stores.jobs?.enqueue(WEBHOOK_DISPATCH, {}).catch((error: unknown) => {
      request.log.warn({ err: error }, 'webhook dispatch not queued; the next tick sends it');
    });
  }

  async function writeSecret(clientId: number, url: string) {
    const secret = newWebhookSecret();
    await stores.db.webhooks.setEndpoint(clientId, {
      url,
      encryptedSecret: await encryptWebhookSecret(secret, clientId, secretKey),
    });
    return secret;
  }

  app.get('/api/oauth_apps/:id/webhook', async (request) => {
    const client = await ownedApp(request, stores);
    const endpoint = await stores.db.webhooks.getEndpoint(client.id);
    return ok('webhook', { webhook_url: endpoint?.url ?? null });
  });

  app.put('/api/oauth_apps/:id/webhook', async (request) => {
    const client = await ownedApp(request, stores);
    const url = (request.body as { webhook_url?: unknown } | undefined)?.webhook_url;
    if (typeof url !== 'string') throw badRequest('webhook_url is required');
    const problem = webhookUrlProblem(url, policy);
    if (problem) throw badRequest(`webhook_url ${problem}`);
    const existing = await stores.db.webhooks.getEndpoint(client.id);
    let secret: string | null = null;
    if (existing) {
      await stores.db.webhooks.setEndpoint(client.id, { url, encryptedSecret: existing.encryptedSecret });
    } else {
      secret = await writeSecret(client.id, url);
    }
    await audit(stores, request, {
      type: 'client.webhook_set',
      actor: `user:${developerOf(request)}`,
      userId: developerOf(request),
      clientId: client.clientId,
      data: { url },
    });
    return ok(
      secret
        ? 'webhook set; the signing secret is shown only once'
        : 'webhook URL changed; the signing secret is unchanged',
      { webhook_url: url, ...(secret ? { webhook_secret: secret } : {}) },
    );
  });

  app.post('/api/oauth_apps/:id/webhook/secret', async (request) => {
    const client = await ownedApp(request, stores);
    const existing = await stores.db.webhooks.getEndpoint(client.id);
    if (!existing) throw notFound('this app has no webhook URL');
    const secret = await writeSecret(client.id, existing.url);
    await audit(stores, request, {
      type: 'client.webhook_secret_rotated',
      actor: `user:${developerOf(request)}`,
      userId: developerOf(request),
      clientId: client.clientId,
    });
    return ok('webhook secret rotated; deliveries from now on are signed with it, shown only once', {
      webhook_url: existing.url,
      webhook_secret: secret,
    });
  });

  app.delete('/api/oauth_apps/:id/webhook', async (request) => {
    const client = await ownedApp(request, stores);
    await stores.db.webhooks.setEndpoint(client.id, null);
    await audit(stores, request, {
      type: 'client.webhook_removed',
      actor: `user:${developerOf(request)}`,
      userId: developerOf(request),
      clientId: client.clientId,
    });
    return ok('webhook removed', { webhook_url: null });
  });

  app.get('/api/oauth_apps/:id/webhook/deliveries', async (request) => {
    const client = await ownedApp(request, stores);
    const events = await stores.db.webhooks.list(client.id, 50);
    return ok('deliveries', events.map(deliveryJson));
  });

  app.post('/api/oauth_apps/:id/webhook/test', async (request, reply) => {
    const client = await ownedApp(request, stores);
    if (!(await stores.db.webhooks.getEndpoint(client.id))) throw notFound('this app has no webhook URL');
    const event = {
      id: newEventId(randomBytes),
      clientId: client.id,
      type: TEST_EVENT_TYPE,
      data: { object: 'test', message: 'a test event from the Gatehouse developer API' },
      createdAt: new Date(),
    };
    await stores.db.webhooks.record(event);
    await kick(request);
    reply.code(202);
    return ok('test event queued', { id: event.id, type: event.type });
  });
};
