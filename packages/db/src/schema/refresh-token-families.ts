import { isNotNull } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { clients } from './clients.js';
import { users } from './users.js';

/**
 * One row per grant family, updated in place on every rotation (SEC-81): a rotation changes
 * only unindexed columns of a narrow row, so Postgres updates it in place (HOT) and the table
 * stays the size of its live families however often they refresh.
 */
export const refreshTokenFamilies = pgTable(
  'refresh_token_families',
  {
    /** The family id, also carried in the token itself. */
    id: text('id').primaryKey(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scopes: text('scopes').array().notNull(),
    /** 0 for the code exchange's token, +1 per rotation. */
    generation: integer('generation').notNull().default(0),
    /** SHA-256 of the current token (SEC-14). */
    tokenHash: text('token_hash').notNull(),
    /**
     * SHA-256 of the token it replaced (the grace window's and the undo's reference). A new row
     * starts with its own token hash here and `rotated_at` set, so it is born at its final width:
     * a rotation never widens the row, which keeps every rotation an in-place (HOT) update on the
     * row's page. Only generation - 1 is ever compared with it, so generation 0 matches nothing.
     */
    previousHash: text('previous_hash'),
    /** SHA-256 of the family key every token of the family carries; null for a migrated family until its first rotation. */
    keyHash: text('key_hash'),
    /** When the previous generation was spent (for generation 0: when the family was created). */
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Absolute expiry of the family: rotation never extends it. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    authTime: integer('auth_time'),
    sid: text('sid'),
  },
  (t) => [
    // revokeForUser (with or without a client).
    index('refresh_token_families_user_id_client_id_idx').on(t.userId, t.clientId),
    // revokeForClient, and the cascade when a client is deleted.
    index('refresh_token_families_client_id_idx').on(t.clientId),
    // The retention job's expired and revoked families (SEC-96). Neither column changes on
    // rotation, so rotations stay in-place (HOT) updates; the partial one holds revoked rows only.
    index('refresh_token_families_expires_at_idx').on(t.expiresAt),
    index('refresh_token_families_revoked_at_idx').on(t.revokedAt).where(isNotNull(t.revokedAt)),
  ],
);

/**
 * Every refresh token issued before families, mapped to its migrated family and generation:
 * written once by the migration, never added to. A legacy token is found here by its hash, so
 * nobody is signed out and a spent legacy token still counts as a reuse of its family.
 */
export const refreshTokenLegacyHashes = pgTable(
  'refresh_token_legacy_hashes',
  {
    tokenHash: text('token_hash').primaryKey(),
    familyId: text('family_id')
      .notNull()
      .references(() => refreshTokenFamilies.id, { onDelete: 'cascade' }),
    generation: integer('generation').notNull(),
  },
  // The retention job deletes a family's hashes by family, and so does the cascade (SEC-96).
  (t) => [index('refresh_token_legacy_hashes_family_id_idx').on(t.familyId)],
);
