import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { clients } from './clients.js';
import { users } from './users.js';

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    familyId: text('family_id').notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scopes: text('scopes').array().notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    replacedByHash: text('replaced_by_hash'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Unix seconds of the sign-in behind the family (OpenID Connect `auth_time`), inherited on rotation. */
    authTime: integer('auth_time'),
    /** The browser session the family came from (the ID token's `sid`), inherited on rotation. */
    sid: text('sid'),
  },
  (t) => [
    index('refresh_tokens_family_id_idx').on(t.familyId),
    // revokeForUser (with or without a client).
    index('refresh_tokens_user_id_client_id_idx').on(t.userId, t.clientId),
    // revokeForClient, and the cascade when a client is deleted.
    index('refresh_tokens_client_id_idx').on(t.clientId),
  ],
);
