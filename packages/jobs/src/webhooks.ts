import { performance } from 'node:perf_hooks';
import type { DurableStores, JobQueue } from '@gatehouse/core';
import {
  type DeliveryOutcome,
  type DestinationPolicy,
  decryptWebhookSecret,
  deliveryOutcome,
  webhookBody,
} from '@gatehouse/core/webhooks';
import { Webhook } from 'standardwebhooks';
import { postWebhook } from './webhook-sender.js';

/** Finds outbox events no delivery job holds yet and gives each one. */
export const WEBHOOK_DISPATCH = 'webhooks.dispatch';
/** One event to one app, retried with exponential backoff. */
export const WEBHOOK_DELIVER = 'webhooks.deliver';
/** The dispatcher also runs every minute: events whose kick was lost (a process died) go out. */
export const WEBHOOK_DISPATCH_CRON = '* * * * *';

export interface WebhookWorkerOptions {
  db: DurableStores;
  /** Tries per event (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Seconds before the first retry; each further one waits about twice as long. */
  retryDelaySeconds: number;
  /** Decrypts the stored signing secrets (from GATEHOUSE_KEY_ENCRYPTION_KEY). */
  secretKey: Uint8Array;
  policy: DestinationPolicy;
  now: () => Date;
  /** Told of every try (the metrics); never given a client or user. */
  observer?: WebhookDeliveryObserver;
}

export interface WebhookDeliveryObserver {
  /** One try ended: its outcome and, when a request was made, how long the exchange took. */
  delivery(outcome: DeliveryOutcome, seconds: number | null): void;
}

export async function dispatchWebhooks(queue: JobQueue, options: WebhookWorkerOptions): Promise<number> {
  let dispatched = 0;
  for (;;) {
    const events = await options.db.webhooks.undispatched(100);
    for (const event of events) {
      // The event id as singleton key: a second dispatcher racing this one adds no second job.
      await queue.enqueue(
        WEBHOOK_DELIVER,
        { eventId: event.id },
        {
          singletonKey: event.id,
          retryLimit: options.maxAttempts - 1,
          retryDelaySeconds: options.retryDelaySeconds,
          retryBackoff: true,
        },
      );
    }
    await options.db.webhooks.markDispatched(
      events.map((e) => e.id),
      options.now(),
    );
    dispatched += events.length;
    if (events.length < 100) return dispatched;
  }
}

/** One try of one event; throws when it failed and another try should follow. */
export async function deliverWebhook(
  eventId: string,
  attempt: number,
  options: WebhookWorkerOptions,
): Promise<void> {
  const { webhooks } = options.db;
  const event = await webhooks.get(eventId);
  if (!event || event.status === 'succeeded') return;
  const final = attempt >= options.maxAttempts;
  const endpoint = await webhooks.getEndpoint(event.clientId);
  if (!endpoint) {
    options.observer?.delivery('no_endpoint', null);
    await webhooks.recordAttempt({
      eventId,
      succeeded: false,
      final: true,
      responseCode: null,
      error: 'no webhook URL',
      at: options.now(),
    });
    return;
  }
  const secret = await decryptWebhookSecret(endpoint.encryptedSecret, event.clientId, options.secretKey);
  const body = webhookBody(event);
  const sentAt = options.now();
  const headers = {
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(event.id, sentAt, body),
  };
  const started = performance.now();
  const result = await postWebhook(endpoint.url, headers, body, options.policy);
  const outcome = deliveryOutcome(result, final);
  options.observer?.delivery(outcome, result.refused ? null : (performance.now() - started) / 1000);
  const succeeded = outcome === 'delivered';
  await webhooks.recordAttempt({
    eventId,
    succeeded,
    final: !succeeded && final,
    responseCode: result.status,
    error: succeeded ? null : (result.error ?? `HTTP ${result.status}`),
    at: options.now(),
  });
  if (!succeeded && !final)
    throw new Error(`webhook delivery failed: ${result.error ?? `HTTP ${result.status}`}`);
}

export async function startWebhookWorkers(queue: JobQueue, options: WebhookWorkerOptions): Promise<void> {
  await queue.work(WEBHOOK_DISPATCH, async () => {
    await dispatchWebhooks(queue, options);
  });
  await queue.work<{ eventId: string }>(WEBHOOK_DELIVER, async ({ eventId }, { attempt }) => {
    await deliverWebhook(eventId, attempt, options);
  });
  await queue.schedule(WEBHOOK_DISPATCH, WEBHOOK_DISPATCH_CRON);
  // Events a stopped process committed but never handed to a job go out now, not at the next tick.
  await queue.enqueue(WEBHOOK_DISPATCH, {});
}
