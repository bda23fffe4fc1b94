import { resolveRequestedScopes } from '../oauth/scopes.js';
import type { Client } from '../ports/clients.js';
import type { RawAuthorizationRequest } from './parameters.js';

/**
 * Step 4: known scopes the client may request, in canonical order; none asked → the
 * default scope. Failures are `invalid_scope`.
 */
export function checkScope(raw: RawAuthorizationRequest, client: Pick<Client, 'allowedScopes'>): string[] {
  return resolveRequestedScopes(raw.params.scope, client.allowedScopes);
}
