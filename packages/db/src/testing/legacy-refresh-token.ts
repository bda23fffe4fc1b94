import type { LegacyRefreshToken } from '@gatehouse/core/testing';
import { sql } from 'drizzle-orm';
import type { Database } from '../connection.js';
import { refreshTokenFamilies as f } from '../schema/refresh-token-families.js';

/**
 * The contract suites' `seedLegacyRefreshToken`: `token` as migration 0010 backfilled a live
 * token of a one-token family. No store writes such a token (every family has a key now); the
 * migration's family row has no key, its own hash as the previous hash and its creation as the
 * rotation time, and the token is found by its hash through the legacy table at generation 0.
 */
export async function seedLegacyRefreshToken(database: Database, token: LegacyRefreshToken): Promise<void> {
  await database.db.execute(sql`
    with family as (
      insert into refresh_token_families
        (id, client_id, user_id, scopes, generation, token_hash, previous_hash, key_hash,
         rotated_at, revoked_at, created_at, expires_at, auth_time, sid)
      values (${token.familyId}, ${token.clientId}, ${token.userId}, ${sql.param(token.scopes, f.scopes)}::text[],
        0, ${token.tokenHash}, ${token.tokenHash}, null,
        now(), null, now(), ${sql.param(token.expiresAt, f.expiresAt)}::timestamptz,
        ${token.authTime ?? null}, ${token.sid ?? null})
      returning id, token_hash, generation
    )
    insert into refresh_token_legacy_hashes (token_hash, family_id, generation)
    select token_hash, id, generation from family`);
}
