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

/** The events about a user's access and balance, each written with the change it reports. */
export const ACCOUNT_EVENT_TYPES = ['topup.completed', 'grant.revoked', 'allowance.changed'] as const;
export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

/**
 * Why an app's access ended (`grant.revoked`): `disconnected` — the user removed the app on
 * /account (the consent is gone: the next authorization asks again); `password_reset` — a
 * password reset ended every session and token; `account_disabled` — an administrator
 * disabled the user. In the last two the consent stays and the app's tokens are revoked.
 */
export type GrantRevokedReason = 'disconnected' | 'password_reset' | 'account_disabled';

/** The user as the app knows them: the `sub` of its tokens and userinfo. */
const subject = (userId: number) => String(userId);

/** `topup.completed`: a user the app sent to its top-up link redeemed a code (quota units). */
export function topupEventData(
  userId: number,
  credited: bigint,
  balanceAfter: bigint,
): Record<string, unknown> {
  return {
    object: 'topup',
    sub: subject(userId),
    quota: credited.toString(),
    balance_quota: balanceAfter.toString(),
  };
}

/** `grant.revoked`: the app's access for this user ended. */
export function grantRevokedEventData(userId: number, reason: GrantRevokedReason): Record<string, unknown> {
  return { object: 'grant', sub: subject(userId), reason };
}

/**
 * `allowance.changed`: the user's new allowance for the app, or null when they stopped its
 * spending (`charge` left the grant and the app's tokens were revoked).
 */
export function allowanceEventData(
  userId: number,
  allowance: { limit: bigint; period: string } | null,
): Record<string, unknown> {
  return {
    object: 'allowance',
    sub: subject(userId),
    allowance: allowance ? { limit_quota: allowance.limit.toString(), period: allowance.period } : null,
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
