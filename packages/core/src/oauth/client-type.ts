import type { Client, TokenEndpointAuthMethod } from '../ports/clients.js';

/** The values `token_endpoint_auth_method` may take at registration (RFC 7591 §2). */
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];

export function isTokenEndpointAuthMethod(value: unknown): value is TokenEndpointAuthMethod {
  return typeof value === 'string' && (TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(value);
}

/**
 * A public client (RFC 6749 §2.1): registered with `token_endpoint_auth_method=none`,
 * it runs in a browser or on a device, has no secret, and proves itself with PKCE on
 * every authorization request instead (SEC-50).
 */
export function isPublicClient(client: Pick<Client, 'tokenEndpointAuthMethod'>): boolean {
  return client.tokenEndpointAuthMethod === 'none';
}
