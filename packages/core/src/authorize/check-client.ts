import { InvalidClientError } from '../errors.js';
import type { Client } from '../ports/clients.js';
import { type RawAuthorizationRequest, single } from './parameters.js';

/**
 * Step 1: a registered, enabled client. Every failure here is non-redirectable: an unknown
 * client's redirect URI cannot be trusted (RFC 6749 §4.1.2.1).
 */
export async function checkClient(
  raw: RawAuthorizationRequest,
  findClient: (clientId: string) => Promise<Client | null>,
): Promise<Client> {
  const clientId = single(raw, 'client_id', () => new InvalidClientError('client_id must not be repeated'));
  if (clientId === undefined) throw new InvalidClientError('the request has no client_id');
  if (clientId.length > 200) throw new InvalidClientError('unknown client');
  const client = await findClient(clientId);
  if (!client || client.clientId !== clientId) throw new InvalidClientError('unknown client');
  if (client.disabled) throw new InvalidClientError('this application has been disabled');
  return client;
}
