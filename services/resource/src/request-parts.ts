import { MAX_BALANCE, parseAmount } from '@gatehouse/core';
import { recordAudit } from '@gatehouse/service-kit';
import type { FastifyRequest } from 'fastify';
import { badRequest } from './envelope.js';

/** A numeric id from the URL, or null when it cannot name anything (the caller answers 404). */
export function numericId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,14}$/.test(raw)) return null;
  return Number(raw);
}

/** Visible ASCII, as Stripe-style idempotency keys are (UUIDs, ULIDs, random strings). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header every write that moves money must carry (API.md §7). */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined || key === '') {
    throw badRequest('the Idempotency-Key header is required for requests that move money');
  }
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('the Idempotency-Key header must be 1 to 255 visible ASCII characters, sent once');
  }
  return key;
}

/**
 * Records an audit event after its change: core's audit policy (a failed write is logged and
 * counted, never an error response inviting a retry and, for creations, a duplicate).
 */
export const audit = recordAudit;

/**
 * The quota a money write names: exactly one of `quota` (integer units) or `amount`
 * (decimal CURRENCY, converted here with the server's own QUOTA_PER_UNIT, so a client
 * never has to know it and can never convert with a stale value). At most MAX_BALANCE (SEC-32).
 */
export function quotaOfBody(body: { quota?: number; amount?: string }, quotaPerUnit: bigint): bigint {
  if ((body.quota === undefined) === (body.amount === undefined)) {
    throw badRequest(
      'give exactly one of quota (integer units) or amount (a decimal string such as "10.00")',
    );
  }
  let quota: bigint;
  if (body.amount !== undefined) {
    try {
      quota = parseAmount(body.amount, quotaPerUnit);
    } catch {
      throw badRequest(
        `amount must be a decimal string with at most two decimal places (got "${body.amount}")`,
      );
    }
  } else {
    quota = BigInt(body.quota as number);
  }
  if (quota < 1n) throw badRequest('the amount must be greater than zero');
  if (quota > MAX_BALANCE)
    throw badRequest(`the amount is above the largest supported (${MAX_BALANCE} quota)`);
  return quota;
}
