import { type IdempotentRequest, InvalidRequestError, type Stores } from '@gatehouse/core';
import { chargeIdempotency } from '@gatehouse/core/charges';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkTokenCaller } from '../access-token.js';
import { idempotencyKeyOf } from '../request-parts.js';

/** Who calls the charges API: the token's user and app. */
export interface Caller {
  userId: number;
  clientId: number;
  /** Public client id, for the top-up link. */
  publicClientId: string;
  redirectUris: string[];
}

/** Token with `charge` (SEC-85), active user, enabled client. */
export async function chargeCaller(request: FastifyRequest, stores: Stores): Promise<Caller> {
  const { token, client } = await checkTokenCaller(request, stores, ['charge']);
  return {
    userId: token.userId,
    clientId: token.clientId,
    publicClientId: client.clientId,
    redirectUris: client.redirectUris,
  };
}

export function oauthError(
  reply: FastifyReply,
  status: number,
  error: string,
  description: string,
  extra = {},
) {
  reply.code(status).header('pragma', 'no-cache');
  return { error, error_description: description, ...extra };
}

/** The JSON body as an object; anything else reads as empty. */
export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body;
  return raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
}

/** The Idempotency-Key rules of the admin API (SEC-33), answered in RFC 6749 form here. */
function keyOf(request: FastifyRequest): string {
  try {
    return idempotencyKeyOf(request);
  } catch (error) {
    throw new InvalidRequestError(error instanceof Error ? error.message : 'Idempotency-Key is required');
  }
}

/** The request's Idempotency-Key, scoped and fingerprinted by core (SEC-92). */
export function idempotency(request: FastifyRequest, caller: Caller, asked: unknown): IdempotentRequest {
  return chargeIdempotency(caller, keyOf(request), asked);
}

/** Sends a stored (first or replayed) response. */
export function send(reply: FastifyReply, response: { status: number; body: unknown }, replayed: boolean) {
  if (replayed) reply.header('idempotent-replayed', 'true');
  reply.code(response.status);
  return response.body;
}
