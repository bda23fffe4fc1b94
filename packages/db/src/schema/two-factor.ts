import { bigint, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** A user's authenticator-app factor (SEC-65, SEC-66): one per user, the secret encrypted. */
export const userTotp = pgTable('user_totp', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Compact JWE under the key derived from GATEHOUSE_KEY_ENCRYPTION_KEY, bound to the user. */
  encryptedSecret: text('encrypted_secret').notNull(),
  /** Null until the first code confirms the enrolment. */
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  /** The newest RFC 6238 time step accepted: replay protection. */
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Single-use recovery codes (SEC-67): only the SHA-256 is stored. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Also serves the per-user lookups (its first column).
  (t) => [uniqueIndex('recovery_codes_user_code_key').on(t.userId, t.codeHash)],
);
