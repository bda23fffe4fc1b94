import type { Config, Stores, WebhookEvent } from '@gatehouse/core';
import {
  appWebhookSettings,
  listAppWebhookDeliveries,
  queueTestWebhookEvent,
  removeAppWebhook,
  resendAppWebhookEvent,
  rotateAppWebhookSecret,
  setAppWebhookUrl,
} from '@gatehouse/core/webhooks';
import { kickWebhookDispatch } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
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
  const settings = appWebhookSettings(config);

  app.get('/api/oauth_apps/:id/webhook', async (request) => {
    const client = await ownedApp(request, stores);
    const endpoint = await stores.db.webhooks.getEndpoint(client.id);
    return ok('webhook', { webhook_url: endpoint?.url ?? null });
  });

  app.put('/api/oauth_apps/:id/webhook', async (request) => {
    const client = await ownedApp(request, stores);
    const url = (request.body as { webhook_url?: unknown } | undefined)?.webhook_url;
    const set = await setAppWebhookUrl(stores, settings, client.id, url);
    if (!set.ok) throw badRequest(`webhook_url ${set.problem}`);
    await audit(stores, request, {
      type: 'client.webhook_set',
      actor: `user:${developerOf(request)}`,
      userId: developerOf(request),
      clientId: client.clientId,
      data: { url: set.url },
    });
    return ok(
      set.secret
        ? 'webhook set; the signing secret is shown only once'
        : 'webhook URL changed; the signing secret is unchanged',
      { webhook_url: set.url, ...(set.secret ? { webhook_secret: set.secret } : {}) },
    );
  });

  app.post('/api/oauth_apps/:id/webhook/secret', async (request) => {
    const client = await ownedApp(request, stores);
    const rotated = await rotateAppWebhookSecret(stores, settings, client.id);
    if (!rotated) throw notFound('this app has no webhook URL');
    await audit(stores, request, {
      type: 'client.webhook_secret_rotated',
      actor: `user:${developerOf(request)}`,
      userId: developerOf(request),
      clientId: client.clientId,
    });
    return ok('webhook secret rotated; deliveries from now on are signed with it, shown only once', {
      webhook_url: rotated.url,
      webhook_secret: rotated.secret,
    });
  });

  app.delete('/api/oauth_apps/:id/webhook', async (request) => {
    const client = await ownedApp(request, stores);
    await removeAppWebhook(stores, client.id);
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
    const events = await listAppWebhookDeliveries(stores, client.id);
    return ok('deliveries', events.map(deliveryJson));
  });

  app.post('/api/oauth_apps/:id/webhook/test', async (request, reply) => {
    const client = await ownedApp(request, stores);
    const event = await queueTestWebhookEvent(stores, client.id);
    if (!event) throw notFound('this app has no webhook URL');
    await kickWebhookDispatch(stores, request.log);
    reply.code(202);
    return ok('test event queued', event);
  });

  app.post<{ Params: { id: string; delivery_id: string } }>(
    '/api/oauth_apps/:id/webhook/deliveries/:delivery_id/resend',
    async (request, reply) => {
      const client = await ownedApp(request, stores);
      const resent = await resendAppWebhookEvent(stores, client.id, request.params.delivery_id);
      if (!resent.ok) {
        throw notFound(resent.reason === 'no_webhook' ? 'this app has no webhook URL' : 'no such delivery');
      }
      await audit(stores, request, {
        type: 'client.webhook_resent',
        actor: `user:${developerOf(request)}`,
        userId: developerOf(request),
        clientId: client.clientId,
        data: { event_id: resent.event.id, type: resent.event.type },
      });
      await kickWebhookDispatch(stores, request.log);
      reply.code(202);
      return ok('delivery queued again', deliveryJson(resent.event));
    },
  );
};
