import { revokeUserGrants } from '../oauth/revoke-grants.js';
import type { Stores } from '../ports/index.js';

/**
 * A user stops an app's spending (SEC-89): `charge` and its allowance leave the grant, then the
 * app's tokens for this user are revoked, because every token issued under the grant may carry
 * `charge` and a token's scopes cannot be narrowed in place. The grant goes first: a charge is
 * checked against the grant's allowance, so from that statement on no charge passes even if a
 * crash leaves tokens alive. The rest of the grant stays, so the app may sign the user in again
 * without `charge`; asking for `charge` again shows the consent page and a new allowance.
 * Returns false when the app had no `charge` to stop.
 */
export async function stopAppSpending(stores: Stores, userId: number, clientId: number): Promise<boolean> {
  const grant = await stores.db.grants.find(userId, clientId);
  if (!grant?.scopes.includes('charge')) return false;
  await stores.db.charges.setAllowance(userId, clientId, null);
  await revokeUserGrants(stores, userId, clientId);
  return true;
}
