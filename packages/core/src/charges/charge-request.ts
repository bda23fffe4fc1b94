import { createHash } from 'node:crypto';
import { randomId } from '../crypto.js';
import type { Allowance, IdempotentRequest, NewCharge } from '../ports/index.js';
import { ChargeAmountError, chargeAmountOf } from './amount.js';
import { periodStart } from './period.js';

/**
 * A charge as an app asks for one (API.md §14, `POST /api/oauth2/charges`), and what the store is
 * asked to do with it: the decisions between the request body and the charge statement, so the
 * route only adapts HTTP and the store only runs the statement.
 */
export interface ChargeRequest {
  amount: bigint;
  description: string;
  reference: string | null;
  /** False: a hold, captured or released later. */
  capture: boolean;
}

/** A body field as a string of `min` to `max` characters, or undefined; anything else is refused. */
export function chargeText(
  body: Record<string, unknown>,
  name: string,
  max: number,
  min = 0,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw new ChargeAmountError(`${name} must be a string of ${min} to ${max} characters`);
  }
  return value;
}

/** The request body, validated; a `ChargeAmountError` names what is wrong (`invalid_request`). */
export function readChargeRequest(body: Record<string, unknown>, quotaPerUnit: bigint): ChargeRequest {
  const amount = chargeAmountOf(body, quotaPerUnit);
  const description = chargeText(body, 'description', 200, 1) ?? '';
  if (!description) throw new ChargeAmountError('description is required (1 to 200 characters)');
  const reference = chargeText(body, 'reference', 200) ?? null;
  if (body.capture !== undefined && typeof body.capture !== 'boolean') {
    throw new ChargeAmountError('capture must be true or false');
  }
  return { amount, description, reference, capture: body.capture !== false };
}

/** The app and user a charges call acts for. */
export interface ChargeParties {
  userId: number;
  clientId: number;
}

/**
 * SEC-92: an Idempotency-Key belongs to the app and the user it was sent for, and its
 * fingerprint is what the request asked — the same key with another request is a conflict.
 */
export function chargeIdempotency(parties: ChargeParties, key: string, asked: unknown): IdempotentRequest {
  return {
    scope: `client:${parties.clientId}:user:${parties.userId}`,
    key,
    fingerprint: createHash('sha256').update(JSON.stringify(asked)).digest('base64url'),
  };
}

/** What a charge request fingerprints as: every field that changes what it does. */
export function chargeFingerprint(request: ChargeRequest): Record<string, unknown> {
  return { op: 'charge', ...request, amount: request.amount.toString() };
}

/**
 * What the store is asked to do with a charge request: nothing without an allowance (the user
 * never let this app spend: refused before any write), otherwise the charge or hold, against
 * the allowance as read, in its current period, a hold expiring `holdTtlSeconds` from now.
 */
export function planCharge(
  request: ChargeRequest,
  parties: ChargeParties,
  allowance: Allowance | null,
  now: Date,
  holdTtlSeconds: number,
): { kind: 'no_allowance' } | { kind: 'charge'; charge: NewCharge } {
  if (!allowance) return { kind: 'no_allowance' };
  return {
    kind: 'charge',
    charge: {
      id: `ch_${randomId(16)}`,
      userId: parties.userId,
      clientId: parties.clientId,
      amount: request.amount,
      capture: request.capture,
      description: request.description,
      reference: request.reference,
      allowance,
      periodStart: periodStart(allowance.period, now),
      holdExpiresAt: request.capture ? null : new Date(now.getTime() + holdTtlSeconds * 1000),
      now,
    },
  };
}

/** A capture's or refund's amount: absent means all of it (what is held, what is refundable). */
export function optionalChargeAmount(
  body: Record<string, unknown>,
  quotaPerUnit: bigint,
): bigint | undefined {
  if (body.amount === undefined && body.quota === undefined) return undefined;
  return chargeAmountOf(body, quotaPerUnit);
}

/** What a capture or cancel fingerprints as (SEC-92). */
export function actionFingerprint(
  op: 'capture' | 'cancel',
  chargeId: string,
  amount: bigint | undefined,
): Record<string, unknown> {
  return { op, chargeId, amount: amount?.toString() ?? null };
}

/** A refund as an app asks for one: part or all of what was captured, and why. */
export interface RefundRequest {
  amount: bigint | undefined;
  reason: string | null;
}

export function readRefundRequest(body: Record<string, unknown>, quotaPerUnit: bigint): RefundRequest {
  return {
    amount: optionalChargeAmount(body, quotaPerUnit),
    reason: chargeText(body, 'reason', 500) ?? null,
  };
}

/** What a refund fingerprints as (SEC-92). */
export function refundFingerprint(chargeId: string, request: RefundRequest): Record<string, unknown> {
  return { op: 'refund', chargeId, amount: request.amount?.toString() ?? null, reason: request.reason };
}

/** The store's refund: a new refund id, recorded as the app's own doing. */
export function planRefund(parties: ChargeParties, chargeId: string, request: RefundRequest, now: Date) {
  return {
    chargeId,
    clientId: parties.clientId,
    now,
    amount: request.amount,
    reason: request.reason,
    refundId: `re_${randomId(16)}`,
    actor: `client:${parties.clientId}`,
  };
}

/**
 * An app sees a charge only when it made it, for this user: any other charge, like one that
 * does not exist, is a 404, so ids are no way to learn about other apps' or users' charges.
 */
export function chargeVisibleTo<C extends ChargeParties>(
  charge: C | null,
  parties: ChargeParties,
): charge is C {
  return charge !== null && charge.clientId === parties.clientId && charge.userId === parties.userId;
}
