import type { Charge, ChargeRefund } from '../ports/charges.js';

export const CHARGE_EVENT_TYPES = [
  'charge.succeeded',
  'charge.held',
  'charge.captured',
  'charge.canceled',
  'charge.refunded',
] as const;
export type ChargeEventType = (typeof CHARGE_EVENT_TYPES)[number];

export const TEST_EVENT_TYPE = 'webhook.test';

/** `evt_` + 128 random bits, hex: the Standard Webhooks `webhook-id`, stable across retries. */
export function newEventId(random: (bytes: number) => Buffer): string {
  return `evt_${random(16).toString('hex')}`;
}

/**
 * The `data` of a charge event: the charge as it is after the change, in quota units
 * (integers as decimal strings, like the charges API's `quota`) — the receiver fetches
 * `GET /api/oauth2/charges/{id}` for the money view.
 */
export function chargeEventData(charge: Charge, refund?: ChargeRefund): Record<string, unknown> {
  return {
    object: 'charge',
    id: charge.id,
    status: charge.status,
    quota: charge.amount.toString(),
    captured_quota: charge.capturedAmount.toString(),
    refunded_quota: charge.refundedAmount.toString(),
    description: charge.description,
    reference: charge.reference,
    created_time: Math.floor(charge.createdAt.getTime() / 1000),
    hold_expires_time: charge.holdExpiresAt ? Math.floor(charge.holdExpiresAt.getTime() / 1000) : null,
    ...(refund ? { refund: { id: refund.id, quota: refund.amount.toString(), reason: refund.reason } } : {}),
  };
}

/** The JSON body of a delivery: `{ id, type, created, data }` (created in Unix seconds). */
export function webhookBody(event: { id: string; type: string; createdAt: Date; data: unknown }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created: Math.floor(event.createdAt.getTime() / 1000),
    data: event.data,
  });
}
