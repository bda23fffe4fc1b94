import { InvalidRedirectUriError } from '../errors.js';
import { isPublicClient } from '../oauth/client-type.js';
import { isRegisteredRedirectUri, isVisibleAscii } from '../oauth/redirect-uri.js';
import type { Client } from '../ports/clients.js';
import { type RawAuthorizationRequest, single } from './parameters.js';

/**
 * Step 2: the redirect URI, equal character for character to a registered one
 * (RFC 9700 §2.1, SEC-01) — except that a public client's loopback IP redirect URI takes
 * any port (RFC 8252 §7.3, SEC-51). Failures are non-redirectable: shown as a page, never sent anywhere.
 * From here on, every error is redirected to the returned URI.
 */
export function checkRedirectUri(
  raw: RawAuthorizationRequest,
  client: Pick<Client, 'redirectUris' | 'tokenEndpointAuthMethod'>,
): string {
  const redirectUri = single(
    raw,
    'redirect_uri',
    () => new InvalidRedirectUriError('redirect_uri must not be repeated'),
  );
  if (redirectUri === undefined) throw new InvalidRedirectUriError('the request has no redirect_uri');
  // SEC-31: a URI registered before that rule existed is never redirected to.
  if (!isVisibleAscii(redirectUri)) {
    throw new InvalidRedirectUriError('redirect_uri must contain only visible ASCII characters');
  }
  if (!isRegisteredRedirectUri(redirectUri, client.redirectUris, { publicClient: isPublicClient(client) })) {
    throw new InvalidRedirectUriError('redirect_uri is not registered for this application');
  }
  return redirectUri;
}
