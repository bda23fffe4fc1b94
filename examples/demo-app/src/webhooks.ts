import { verifyWebhook, type WebhookEvent, WebhookVerificationError } from '@gatehouse/sdk';
import type { FastifyPluginAsync } from 'fastify';

/** Where Gatehouse delivers this app's webhooks (the development seed registers `$DEMO_APP_URL` + this). */
export const WEBHOOK_PATH = '/webhooks/gatehouse';

/** One event as the page shows it. */
export interface LoggedEvent {
  id: string;
  type: string;
  /** When Gatehouse created the event (Unix seconds). */
  created: number;
  /** When this app last received it (Unix milliseconds). */
  receivedAt: number;
  /** How many verified deliveries of this id arrived: retries and resends share the id. */
  deliveries: number;
  /** The charge (or other object) the event is about, e.g. `ch_… held`. */
  summary: string | null;
}

function summaryOf(event: WebhookEvent): string | null {
  const data = event.data as { object?: unknown; id?: unknown; status?: unknown; message?: unknown };
  if (data.object === 'charge' && typeof data.id === 'string') {
    return typeof data.status === 'string' ? `${data.id} ${data.status}` : data.id;
  }
  return typeof data.message === 'string' ? data.message : null;
}

/**
 * The last `max` verified events, in memory (a real app would keep them in its database,
 * deduplicated on the event id the same way). Newest first.
 */
export class WebhookLog {
  private readonly events = new Map<string, LoggedEvent>();

  constructor(readonly max = 50) {}

  /** Records a verified event; a second delivery of the same id counts, it is not a new event. */
  add(event: WebhookEvent, now = Date.now()): LoggedEvent {
    const known = this.events.get(event.id);
    const logged: LoggedEvent = known
      ? { ...known, deliveries: known.deliveries + 1, receivedAt: now }
      : {
          id: event.id,
          type: event.type,
          created: event.created,
          receivedAt: now,
          deliveries: 1,
          summary: summaryOf(event),
        };
    this.events.delete(event.id);
    this.events.set(event.id, logged);
    while (this.events.size > this.max) {
      const oldest = this.events.keys().next().value;
      if (oldest === undefined) break;
      this.events.delete(oldest);
    }
    return logged;
  }

  list(): LoggedEvent[] {
    return [...this.events.values()].reverse();
  }
}

/**
 * `POST /webhooks/gatehouse`: verifies the Standard Webhooks signature over the raw body with
 * the SDK's `verifyWebhook` and the app's signing secret, then logs the event. A delivery
 * that does not verify is answered 400 and never logged, so Gatehouse retries it (and a
 * forger learns nothing).
 */
export const webhookReceiver: FastifyPluginAsync<{ secret: string; log: WebhookLog }> = async (
  app,
  { secret, log },
) => {
  // The signature covers the bytes as sent: keep the body raw in this route's context only.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  app.post(WEBHOOK_PATH, async (request, reply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body)) {
      return reply.code(415).send({ error: 'unsupported_media_type', error_description: 'expected JSON' });
    }
    let event: WebhookEvent;
    try {
      event = verifyWebhook(secret, request.headers, body);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      request.log.warn({ err: error }, 'webhook refused: the signature did not verify');
      return reply
        .code(400)
        .send({ error: 'invalid_signature', error_description: 'signature did not verify' });
    }
    const logged = log.add(event);
    request.log.info(
      { eventId: event.id, type: event.type, deliveries: logged.deliveries },
      'webhook received',
    );
    return reply.code(204).send();
  });
};
