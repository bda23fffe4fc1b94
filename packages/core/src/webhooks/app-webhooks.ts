import { randomBytes } from 'node:crypto';
import { type Config, keyEncryptionSecret } from '../config.js';
import type { Stores, WebhookEvent } from '../ports/index.js';
import { type DestinationPolicy, webhookUrlProblem } from './destination.js';
import { newEventId, TEST_EVENT_TYPE } from './events.js';
import { deriveWebhookSecretKey, encryptWebhookSecret, newWebhookSecret } from './secret.js';

/**
 * What managing an app's webhook means, shared by every place a developer does it (the
 * developer API and the developer console), so the rules cannot drift apart. Ownership of
 * the app is the caller's check (`findOwnedApp`), and so is auditing: only the caller knows
 * who acted and from where.
 */

export interface AppWebhookSettings {
  /** Encrypts signing secrets at rest (SEC-95). */
  secretKey: Uint8Array;
  /** Which URLs may be saved (SEC-93). */
  policy: DestinationPolicy;
}

export function appWebhookSettings(config: Pick<Config, 'env' | 'keyEncryptionKey'>): AppWebhookSettings {
  return {
    secretKey: deriveWebhookSecretKey(keyEncryptionSecret(config)),
    policy: { production: config.env === 'production' },
  };
}

export type SetAppWebhookResult =
  | { ok: false; problem: string }
  /** `secret` only when a new one was made (the first URL): show it once. */
  | { ok: true; url: string; secret: string | null };

/**
 * Saves the app's webhook URL. The first URL comes with a new signing secret; changing the
 * URL keeps the secret (rotation is its own step). `problem` completes "webhook_url …".
 * `options.secret` sets a known secret instead (the development seed only).
 */
export async function setAppWebhookUrl(
  stores: Stores,
  settings: AppWebhookSettings,
  clientId: number,
  url: unknown,
  options: { secret?: string } = {},
): Promise<SetAppWebhookResult> {
  if (typeof url !== 'string' || url.trim() === '') return { ok: false, problem: 'is required' };
  const problem = webhookUrlProblem(url, settings.policy);
  if (problem) return { ok: false, problem };
  const existing = await stores.db.webhooks.getEndpoint(clientId);
  if (existing && options.secret === undefined) {
    await stores.db.webhooks.setEndpoint(clientId, { url, encryptedSecret: existing.encryptedSecret });
    return { ok: true, url, secret: null };
  }
  const secret = await writeSecret(stores, settings, clientId, url, options.secret ?? newWebhookSecret());
  return { ok: true, url, secret };
}

/**
 * A new signing secret for the app's webhook, shown once; deliveries from now on are signed
 * with it (there is no overlap: the old one stops at once). Null when the app has no URL.
 */
export async function rotateAppWebhookSecret(
  stores: Stores,
  settings: AppWebhookSettings,
  clientId: number,
): Promise<{ url: string; secret: string } | null> {
  const existing = await stores.db.webhooks.getEndpoint(clientId);
  if (!existing) return null;
  const secret = await writeSecret(stores, settings, clientId, existing.url, newWebhookSecret());
  return { url: existing.url, secret };
}

/** Removes the URL and its secret; events not yet delivered fail with "no webhook URL". */
export async function removeAppWebhook(stores: Stores, clientId: number): Promise<void> {
  await stores.db.webhooks.setEndpoint(clientId, null);
}

/** The deliveries the API and the console list: newest first, at most this many. */
export const WEBHOOK_DELIVERIES_SHOWN = 50;

export function listAppWebhookDeliveries(stores: Stores, clientId: number): Promise<WebhookEvent[]> {
  return stores.db.webhooks.list(clientId, WEBHOOK_DELIVERIES_SHOWN);
}

/**
 * Writes a `webhook.test` event to the outbox; the caller then kicks the dispatcher (or the
 * next tick sends it). Null when the app has no URL.
 */
export async function queueTestWebhookEvent(
  stores: Stores,
  clientId: number,
  now: Date = new Date(),
): Promise<{ id: string; type: string } | null> {
  if (!(await stores.db.webhooks.getEndpoint(clientId))) return null;
  const event = {
    id: newEventId(randomBytes),
    clientId,
    type: TEST_EVENT_TYPE,
    data: { object: 'test', message: 'a test event from Gatehouse' },
    createdAt: now,
  };
  await stores.db.webhooks.record(event);
  return { id: event.id, type: event.type };
}

export type ResendResult =
  | { ok: true; event: WebhookEvent }
  | { ok: false; reason: 'not_found' | 'no_webhook' };

/**
 * Resend: one of the app's events goes out again through the job queue, as a new delivery
 * with the usual retries, under the same event id (the same `webhook-id`, so a receiver that
 * already has it dedupes). Any status may be resent: a delivered event is the receiver's to
 * ask for again. The caller then kicks the dispatcher.
 */
export async function resendAppWebhookEvent(
  stores: Stores,
  clientId: number,
  eventId: string,
): Promise<ResendResult> {
  if (!(await stores.db.webhooks.getEndpoint(clientId))) return { ok: false, reason: 'no_webhook' };
  const event = await stores.db.webhooks.requeue(clientId, eventId);
  return event ? { ok: true, event } : { ok: false, reason: 'not_found' };
}

async function writeSecret(
  stores: Stores,
  settings: AppWebhookSettings,
  clientId: number,
  url: string,
  secret: string,
): Promise<string> {
  await stores.db.webhooks.setEndpoint(clientId, {
    url,
    encryptedSecret: await encryptWebhookSecret(secret, clientId, settings.secretKey),
  });
  return secret;
}
