import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** What Gatehouse POSTs to an app's `webhook_url` (API.md §15). */
export interface WebhookEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  data: T;
}

export { WebhookVerificationError };

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? '';
  const bag = headers as Record<string, string | string[] | undefined>;
  const value = bag[name] ?? bag[Object.keys(bag).find((k) => k.toLowerCase() === name) ?? ''];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/**
 * Checks a delivery's Standard Webhooks signature with the app's `whsec_…` secret and returns
 * the event. `body` must be the raw request body, byte for byte (not re-serialised JSON).
 * Throws `WebhookVerificationError` for a bad signature or a timestamp more than 5 minutes
 * off (a replay). Deliveries are at least once: deduplicate on `event.id`.
 */
export function verifyWebhook(secret: string, headers: HeaderBag, body: string | Buffer): WebhookEvent {
  return new Webhook(secret).verify(body, {
    'webhook-id': header(headers, 'webhook-id'),
    'webhook-timestamp': header(headers, 'webhook-timestamp'),
    'webhook-signature': header(headers, 'webhook-signature'),
  }) as WebhookEvent;
}
