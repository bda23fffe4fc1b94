import type { NewAuditEvent, Stores } from '@gatehouse/core';
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
 * Records an audit event. The change it describes has already happened, so a
 * failed audit write is logged loudly rather than turned into an error response
 * that would invite a retry (and, for creations, a duplicate).
 */
export async function audit(stores: Stores, request: FastifyRequest, event: NewAuditEvent): Promise<void> {
  try {
    await stores.db.audit.append({ ip: request.ip, ...event });
  } catch (error) {
    request.log.error({ err: error, auditType: event.type }, 'audit event could not be written');
  }
}
