import { InvalidRequestError } from '../errors.js';
import { checkCodeChallenge } from '../oauth/pkce.js';
import type { Client } from '../ports/clients.js';
import type { RawAuthorizationRequest } from './parameters.js';

/** A client registered without a secret cannot authenticate at the token endpoint. */
export function isPublicClient(client: Pick<Client, 'secretHash'>): boolean {
  return client.secretHash === null;
}

/**
 * Step 6: PKCE (RFC 7636). Only S256; `plain` or a challenge without a method is
 * `invalid_request`. Public clients must send a challenge. Returns the challenge or null.
 */
export function checkPkce(raw: RawAuthorizationRequest, client: Pick<Client, 'secretHash'>): string | null {
  const challenge = checkCodeChallenge(raw.params.code_challenge, raw.params.code_challenge_method);
  if (challenge === null && isPublicClient(client)) {
    throw new InvalidRequestError('this application must use PKCE: send code_challenge with method S256');
  }
  return challenge;
}
