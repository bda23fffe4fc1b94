import {
  type AccessTokenData,
  type Client,
  InvalidTokenError,
  type Stores,
  sha256Hex,
  type User,
} from '@gatehouse/core';
import { bearerTokenOf, requireScopes } from '@gatehouse/core/resource';
import { noteClient } from '@gatehouse/service-kit';
import type { FastifyRequest } from 'fastify';
import { tokenOwner } from './cors.js';

/** One description for every dead token, so a caller learns nothing about why. */
const INVALID = 'the access token is invalid, expired or revoked';

/** Steps 1–2: the token from the Authorization header, looked up by its hash in the cache. */
export async function checkAccessToken(request: FastifyRequest, stores: Stores): Promise<AccessTokenData> {
  const token = bearerTokenOf({
    authorization: request.headers.authorization,
    query: request.query as Record<string, unknown> | undefined,
  });
  const data = await stores.cache.accessTokens.get(sha256Hex(token));
  // The cache expires entries with the token; the clock check guards against a slow expiry.
  if (!data || data.expiresAt * 1000 <= Date.now()) throw new InvalidTokenError(INVALID);
  noteClient(request, data.clientPublicId);
  return data;
}

/** A token stops working at once when its user is disabled (or gone). */
export function checkUserActive<U extends Pick<User, 'status'>>(user: U | null): U {
  if (user?.status !== 'active') throw new InvalidTokenError(INVALID);
  return user;
}

/** A token stops working at once when its app is disabled or deleted. */
export function checkClientEnabled<C extends Pick<Client, 'clientId' | 'disabled'>>(
  client: C | null,
  token: AccessTokenData,
): C {
  if (!client || client.disabled || client.clientId !== token.clientPublicId)
    throw new InvalidTokenError(INVALID);
  return client;
}

/**
 * The steps of a bearer route that acts for the token's user and app: a live token with
 * `scopes`, an active user, an enabled app, which then owns the answer (CORS, SEC-55).
 */
export async function checkTokenCaller(request: FastifyRequest, stores: Stores, scopes: readonly string[]) {
  const token = await checkAccessToken(request, stores);
  requireScopes(token.scopes, scopes);
  const [user, client] = await Promise.all([
    stores.db.users.findById(token.userId),
    stores.db.clients.findById(token.clientId),
  ]);
  checkUserActive(user);
  const enabled = checkClientEnabled(client, token);
  tokenOwner(request, enabled);
  return { token, client: enabled };
}
