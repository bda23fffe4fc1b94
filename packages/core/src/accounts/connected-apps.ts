import { revokeUserGrants } from '../oauth/revoke-grants.js';
import type { Stores } from '../ports/index.js';

/**
 * A user withdraws an app's access: every refresh and access token the user granted it
 * stops working at once, then the consent record goes (so the next authorization asks
 * again). Tokens go first: a crash in between leaves a grant without tokens, never tokens
 * without a grant. Returns false when there was no grant to remove.
 */
export async function disconnectApp(stores: Stores, userId: number, clientId: number): Promise<boolean> {
  await revokeUserGrants(stores, userId, clientId);
  return stores.db.grants.delete(userId, clientId);
}
