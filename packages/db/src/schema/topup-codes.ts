import { sql } from 'drizzle-orm';
import { bigint, check, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const topupCodes = pgTable(
  'topup_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    batchId: text('batch_id').notNull(),
    quota: bigint('quota', { mode: 'bigint' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
    redeemedBy: integer('redeemed_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [check('topup_codes_quota_check', sql`${t.quota} > 0`)],
);
