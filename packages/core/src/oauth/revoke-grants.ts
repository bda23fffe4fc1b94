import type { Stores } from '../ports/index.js';
import type { GrantRevokedReason } from '../webhooks/events.js';

/**
 * Kills token families everywhere they live: refresh tokens in the database and
 * access tokens in the cache. Refresh tokens go first so that a crash between the
 * two steps can never leave a family able to mint new access tokens.
 */
export async function revokeFamilies(
  stores: Stores,
  familyIds: readonly string[],
  now = new Date(),
): Promise<void> {
  const unique = [...new Set(familyIds)];
  await Promise.all(unique.map((id) => stores.db.refreshTokens.revokeFamily(id, now)));
  await Promise.all(unique.map((id) => stores.cache.accessTokens.revokeFamily(id)));
}

/**
 * Revokes everything a user granted a client (or every client, when `clientId` is null).
 * `reason`: the user's or an administrator's decision to end the access, which each app that
 * had live tokens is told about (`grant.revoked`, written with the revocation).
 */
export async function revokeUserGrants(
  stores: Stores,
  userId: number,
  clientId: number | null,
  now = new Date(),
  reason?: GrantRevokedReason,
): Promise<void> {
  const families = await stores.db.refreshTokens.revokeForUser(userId, clientId, now, reason);
  await Promise.all(families.map((id) => stores.cache.accessTokens.revokeFamily(id)));
}

/** Revokes every token of a client (secret rotation leaves tokens alone; deletion and disabling do not). */
export async function revokeClientTokens(stores: Stores, clientId: number, now = new Date()): Promise<void> {
  const families = await stores.db.refreshTokens.revokeForClient(clientId, now);
  await Promise.all(families.map((id) => stores.cache.accessTokens.revokeFamily(id)));
}
