import type { Client, WebhookEvent } from '@gatehouse/core';
import {
  appWebhookSettings,
  listAppWebhookDeliveries,
  queueTestWebhookEvent,
  removeAppWebhook,
  resendAppWebhookEvent,
  rotateAppWebhookSecret,
  setAppWebhookUrl,
} from '@gatehouse/core/webhooks';
import { kickWebhookDispatch, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../../browser/fields.js';
import { PageError } from '../../browser/page-error.js';
import { page } from '../../browser/render.js';
import { requireSession, signedIn } from '../../browser/session.js';
import { auditUserAction } from '../../pages/audit.js';
import { when } from '../../pages/format.js';
import { type FieldErrors, noticeText, oneError } from '../../pages/forms.js';
import { firstSubmission, formIdOf, formNonce } from '../../pages/once.js';
import { ownApp } from './own-app.js';

const NOTICES = {
  saved: 'Webhook URL saved. The signing secret is unchanged.',
  removed: 'Webhook removed. No more events are written for this app.',
  test_queued: 'Test event queued. Reload this page to see its delivery.',
  resent: 'Delivery queued again, under the same webhook-id. Reload this page to see it.',
  already_set:
    'That form was already submitted: the webhook is set and its secret was shown once. Rotate the secret if you did not save it.',
  already_rotated:
    'That rotation was already done; its secret was shown once. Rotate again if you did not save it.',
};

const STATUS_TEXT: Record<WebhookEvent['status'], string> = {
  pending: 'Pending',
  succeeded: 'Delivered',
  failed: 'Failed',
};

function deliveryView(event: WebhookEvent) {
  return {
    id: event.id,
    type: event.type,
    status: event.status,
    statusText: STATUS_TEXT[event.status],
    attempts: event.attempts,
    responseCode: event.lastResponseCode,
    error: event.lastError,
    created: when(event.createdAt),
  };
}

/**
 * `/console/apps/:id/webhook` (API.md §8, §15): the app's webhook URL, its signing secret
 * (shown once, on creation and rotation — rendered straight from the POST that made it, like
 * the client secret), a test event and the recent deliveries with a resend button each. The
 * rules are the developer API's, from the same core functions (SEC-93, SEC-95).
 */
export async function consoleWebhookRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const settings = appWebhookSettings(config);

  const webhookPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    client: Client,
    extra: {
      secret?: { value: string; reason: 'created' | 'rotated' };
      url?: string;
      errors?: FieldErrors;
      status?: number;
    } = {},
  ) => {
    const { csrfToken } = signedIn(request);
    const endpoint = await stores.db.webhooks.getEndpoint(client.id);
    const deliveries = endpoint ? await listAppWebhookDeliveries(stores, client.id) : [];
    return page(
      reply,
      'console-app-webhook.eta',
      {
        title: `Webhooks of ${client.name}`,
        nav: 'console',
        wide: true,
        csrfToken,
        notice: noticeText(request.query, NOTICES),
        app: { id: client.id, name: client.name, clientId: client.clientId },
        webhookUrl: endpoint?.url ?? null,
        url: extra.url ?? endpoint?.url ?? '',
        errors: extra.errors ?? {},
        secret: extra.secret ?? null,
        deliveries: deliveries.map(deliveryView),
        development: config.env !== 'production',
        formId: formNonce(),
      },
      extra.status ?? 200,
    );
  };

  const back = (client: Client, notice: keyof typeof NOTICES) =>
    `/console/apps/${client.id}/webhook?notice=${notice}`;

  app.get('/console/apps/:id/webhook', { preHandler: requireSession }, async (request, reply) =>
    webhookPage(request, reply, await ownApp(stores, request)),
  );

  app.post('/console/apps/:id/webhook', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(stores, request);
    const url = (field(request.body, 'webhook_url') ?? '').trim();
    // A refused URL re-renders the form with a fresh form id, so claiming first costs nothing.
    if (!(await firstSubmission(stores, user.id, formIdOf(request.body)))) {
      return reply.redirect(back(client, 'already_set'), 303);
    }
    const set = await setAppWebhookUrl(stores, settings, client.id, url);
    if (!set.ok) {
      return webhookPage(request, reply, client, {
        url,
        errors: oneError('webhook_url', `The webhook URL ${set.problem}.`),
        status: 400,
      });
    }
    await auditUserAction(stores, request, user.id, {
      type: 'client.webhook_set',
      clientId: client.clientId,
      data: { url: set.url, via: 'console' as const },
    });
    if (!set.secret) return reply.redirect(back(client, 'saved'), 303);
    return webhookPage(request, reply, client, { secret: { value: set.secret, reason: 'created' } });
  });

  app.post('/console/apps/:id/webhook/remove', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(stores, request);
    await removeAppWebhook(stores, client.id);
    await auditUserAction(stores, request, user.id, {
      type: 'client.webhook_removed',
      clientId: client.clientId,
      data: { via: 'console' as const },
    });
    return reply.redirect(back(client, 'removed'), 303);
  });

  // Like the client secret's, rotation is confirmed on a page of its own (the pages run no script).
  app.get('/console/apps/:id/webhook/secret', { preHandler: requireSession }, async (request, reply) => {
    const { csrfToken } = signedIn(request);
    const client = await ownApp(stores, request);
    const endpoint = await stores.db.webhooks.getEndpoint(client.id);
    if (!endpoint) return reply.redirect(`/console/apps/${client.id}/webhook`, 302);
    return page(reply, 'console-app-webhook-rotate.eta', {
      title: `Rotate the webhook secret of ${client.name}`,
      nav: 'console',
      csrfToken,
      app: { id: client.id, name: client.name },
      webhookUrl: endpoint.url,
      formId: formNonce(),
    });
  });

  app.post('/console/apps/:id/webhook/secret', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(stores, request);
    if (!(await firstSubmission(stores, user.id, formIdOf(request.body)))) {
      return reply.redirect(back(client, 'already_rotated'), 303);
    }
    const rotated = await rotateAppWebhookSecret(stores, settings, client.id);
    if (!rotated)
      throw new PageError(404, 'No webhook', 'This app has no webhook URL, so it has no signing secret.');
    await auditUserAction(stores, request, user.id, {
      type: 'client.webhook_secret_rotated',
      clientId: client.clientId,
      data: { via: 'console' as const },
    });
    return webhookPage(request, reply, client, { secret: { value: rotated.secret, reason: 'rotated' } });
  });

  app.post('/console/apps/:id/webhook/test', { preHandler: requireSession }, async (request, reply) => {
    const client = await ownApp(stores, request);
    const event = await queueTestWebhookEvent(stores, client.id);
    if (!event) throw new PageError(404, 'No webhook', 'Set a webhook URL for this app first.');
    await kickWebhookDispatch(stores, request.log);
    return reply.redirect(back(client, 'test_queued'), 303);
  });

  app.post<{ Params: { id: string; delivery_id: string } }>(
    '/console/apps/:id/webhook/deliveries/:delivery_id/resend',
    { preHandler: requireSession },
    async (request, reply) => {
      const { user } = signedIn(request);
      const client = await ownApp(stores, request);
      const resent = await resendAppWebhookEvent(stores, client.id, request.params.delivery_id);
      if (!resent.ok) {
        throw resent.reason === 'no_webhook'
          ? new PageError(404, 'No webhook', 'Set a webhook URL for this app first.')
          : new PageError(404, 'Delivery not found', 'This app has no delivery with this id.');
      }
      await auditUserAction(stores, request, user.id, {
        type: 'client.webhook_resent',
        clientId: client.clientId,
        data: { event_id: resent.event.id, type: resent.event.type, via: 'console' as const },
      });
      await kickWebhookDispatch(stores, request.log);
      return reply.redirect(back(client, 'resent'), 303);
    },
  );
}
