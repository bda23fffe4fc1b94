import { coversScopes } from '../oauth/scopes.js';
import type { RefreshTokenRecord } from '../ports/index.js';

/**
 * Why a refresh token may not be rotated, in the order the token endpoint reports it:
 * - `unknown`, `foreign` (another client's token, SEC-11), `revoked`, `expired` → `invalid_grant`;
 * - `reused`: a token of the family that is not its current one (RFC 9700 §4.14.2) → reuse handling;
 * - `scope`: asks for a scope the grant does not cover → `invalid_scope`;
 * - `user_inactive`: the user was disabled or deleted since issue → the family is revoked.
 */
export type RefreshRefusal =
  | 'unknown'
  | 'foreign'
  | 'reused'
  | 'revoked'
  | 'expired'
  | 'scope'
  | 'user_inactive';

/**
 * The one statement of the refresh rule (SEC-80). The store's rotation statement
 * enforces exactly these conditions atomically (its WHERE clause); when it refuses,
 * the store reads the token as it stands and this function names the reason. The
 * contract suite proves, over generated states, that the store rotates exactly when
 * this returns null.
 */
export function refreshRefusal(
  record: RefreshTokenRecord | null,
  clientId: number,
  now: number,
  requestedScopes: readonly string[],
  userActive: boolean,
): RefreshRefusal | null {
  if (record === null) return 'unknown';
  if (record.clientId !== clientId) return 'foreign';
  if (record.rotatedAt !== null) return 'reused';
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt.getTime() <= now) return 'expired';
  if (!coversScopes(record.scopes, requestedScopes)) return 'scope';
  if (!userActive) return 'user_inactive';
  return null;
}
