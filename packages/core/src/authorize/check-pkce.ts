import { InvalidRequestError } from '../errors.js';
import { isPublicClient } from '../oauth/client-type.js';
import { checkCodeChallenge } from '../oauth/pkce.js';
import type { Client } from '../ports/clients.js';
import type { RawAuthorizationRequest } from './parameters.js';

export { isPublicClient } from '../oauth/client-type.js';

/**
 * Step 6: PKCE (RFC 7636). Only S256; `plain` or a challenge without a method is
 * `invalid_request`. Public clients must send an S256 challenge on every request (SEC-50). Returns the challenge or null.
 */
export function checkPkce(
  raw: RawAuthorizationRequest,
  client: Pick<Client, 'tokenEndpointAuthMethod'>,
): string | null {
  const challenge = checkCodeChallenge(raw.params.code_challenge, raw.params.code_challenge_method);
  if (challenge === null && isPublicClient(client)) {
    throw new InvalidRequestError('this application must use PKCE: send code_challenge with method S256');
  }
  return challenge;
}
