import { constantTimeEqual, sha256Hex } from '../crypto.js';
import { InvalidClientError, InvalidRequestError } from '../errors.js';
import { isPublicClient } from '../oauth/client-type.js';
import { parseBasicCredentials } from '../oauth/http-auth.js';
import type { Client, ClientStore } from '../ports/index.js';
import { optionalParam, type TokenParams } from './params.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Who the caller says it is, before anything is checked against the store. */
export interface PresentedClient {
  clientId: string;
  /** Null when no secret was sent (a public client). */
  secret: string | null;
  method: ClientAuthMethod;
}

/**
 * One message for every authentication failure — unknown client, wrong secret,
 * missing secret, disabled client — so the response is no oracle (SEC-12).
 */
export const CLIENT_AUTH_FAILED = 'client authentication failed';

/** Longer ids are never registered; refusing them early spares the database. */
const MAX_CLIENT_ID_LENGTH = 256;

/** Compared against when the client is unknown, so unknown and known clients cost the same. */
const DUMMY_SECRET_HASH = sha256Hex('gatehouse-unknown-client');

/**
 * Reads client credentials from `Authorization: Basic` (form-url-encoded halves,
 * RFC 6749 §2.3.1) or from `client_id`/`client_secret` in the body. Using both
 * methods at once is `invalid_request`; sending neither is `invalid_client`.
 * A `client_id` alone names a public client (authenticated by PKCE instead).
 */
export function readClientCredentials(
  params: TokenParams,
  authorization: string | undefined,
): PresentedClient {
  const basic = parseBasicCredentials(authorization);
  const bodyId = optionalParam(params, 'client_id');
  const bodySecret = optionalParam(params, 'client_secret');
  if (basic) {
    if (bodySecret !== undefined) {
      throw new InvalidRequestError(
        'use one client authentication method: HTTP Basic or client_secret in the body, not both',
      );
    }
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new InvalidRequestError('client_id in the body does not match the HTTP Basic credentials');
    }
    return { clientId: basic.clientId, secret: basic.clientSecret || null, method: 'client_secret_basic' };
  }
  if (bodyId === undefined) throw new InvalidClientError(CLIENT_AUTH_FAILED);
  if (bodySecret !== undefined) return { clientId: bodyId, secret: bodySecret, method: 'client_secret_post' };
  return { clientId: bodyId, secret: null, method: 'none' };
}

/**
 * True when `presented` proves it is `client`. Confidential clients need their
 * secret (SHA-256 compared in constant time; the secret is 256-bit random, so no
 * slow hash); public clients send none and are accepted only where `allowPublic`.
 * Disabled clients never authenticate.
 */
export function clientMatches(client: Client | null, secret: string | null, allowPublic: boolean): boolean {
  if (secret === null) {
    return (
      client !== null &&
      isPublicClient(client) &&
      client.secretHash === null &&
      allowPublic &&
      !client.disabled
    );
  }
  const matches = constantTimeEqual(sha256Hex(secret), client?.secretHash ?? DUMMY_SECRET_HASH);
  return (
    matches && client !== null && !isPublicClient(client) && client.secretHash !== null && !client.disabled
  );
}

const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'] as const;

/**
 * The client authentication methods each endpoint accepts; the metadata advertises exactly
 * these (RFC 8414 `*_endpoint_auth_methods_supported`). Public clients (`none`, SEC-50) use
 * the token, revocation and device authorization endpoints; introspection needs a secret
 * (RFC 7662 §2.1: the caller must be authorised, and a client id alone proves nothing).
 */
export const ENDPOINT_AUTH_METHODS = {
  token: [...SECRET_METHODS, 'none'],
  revocation: [...SECRET_METHODS, 'none'],
  introspection: [...SECRET_METHODS],
  device_authorization: [...SECRET_METHODS, 'none'],
} as const satisfies Record<string, readonly ClientAuthMethod[]>;

export type AuthenticatingEndpoint = keyof typeof ENDPOINT_AUTH_METHODS;

/**
 * Looks the client up (one database round trip) and checks its credentials by the rules of
 * `endpoint`; `invalid_client` on any failure.
 */
export async function authenticateClient(
  clients: ClientStore,
  presented: PresentedClient,
  endpoint: AuthenticatingEndpoint,
): Promise<Client> {
  const allowPublic = (ENDPOINT_AUTH_METHODS[endpoint] as readonly ClientAuthMethod[]).includes('none');
  const client =
    presented.clientId.length > 0 && presented.clientId.length <= MAX_CLIENT_ID_LENGTH
      ? await clients.findByClientId(presented.clientId)
      : null;
  if (!clientMatches(client, presented.secret, allowPublic)) throw new InvalidClientError(CLIENT_AUTH_FAILED);
  return client!;
}

export { isPublicClient } from '../oauth/client-type.js';
