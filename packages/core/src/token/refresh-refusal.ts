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

/**
 * A refresh-token family's one row (SEC-81) as the store reads it: the grant, its current
 * token and the immediate predecessor's hash.
 */
export interface RefreshFamilyState {
  id: string;
  generation: number;
  tokenHash: string;
  /** The token the current one replaced (nullable in the schema); only generation - 1 is compared with it. */
  previousHash: string | null;
  clientId: number;
  userId: number;
  scopes: string[];
  rotatedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
  authTime: number | null;
  sid: string | null;
}

/**
 * How the presented token stands in its family (SEC-81, SEC-11): current, the immediate
 * predecessor, or another spent token of the family. `member` is the store's proof that it
 * belongs to the family at all (its family key's hash, or its legacy hash on record); without
 * it the token matches no family. The record it returns is what `refreshRefusal` judges.
 */
export function standingOf(
  family: RefreshFamilyState,
  tokenHash: string,
  generation: number,
  member: boolean,
): RefreshTokenRecord | null {
  // A generation the family never reached was never handed out (an undone rotation's).
  if (generation > family.generation) return null;
  const current = generation === family.generation && tokenHash === family.tokenHash;
  const previous = generation === family.generation - 1 && tokenHash === family.previousHash;
  if (!current && !previous && !member) return null;
  return {
    tokenHash,
    familyId: family.id,
    generation,
    clientId: family.clientId,
    userId: family.userId,
    scopes: family.scopes,
    rotatedAt: current ? null : (family.rotatedAt ?? family.createdAt),
    replacedByHash: previous ? family.tokenHash : null,
    revokedAt: family.revokedAt,
    createdAt: family.createdAt,
    expiresAt: family.expiresAt,
    authTime: family.authTime,
    sid: family.sid,
  };
}
