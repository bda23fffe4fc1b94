import { sql } from 'drizzle-orm';
import { bigint, check, integer, pgTable, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** One row per user, created with the user; changed only together with a ledger row. */
export const balances = pgTable(
  'balances',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    quota: bigint('quota', { mode: 'bigint' }).notNull().default(sql`0`),
    usedQuota: bigint('used_quota', { mode: 'bigint' }).notNull().default(sql`0`),
    /** Open holds (SEC-90): already taken out of `quota`, the available balance. */
    held: bigint('held', { mode: 'bigint' }).notNull().default(sql`0`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The last line of defence: even a buggy caller cannot overdraw.
    check('balances_quota_check', sql`${t.quota} >= 0`),
    check('balances_used_quota_check', sql`${t.usedQuota} >= 0`),
    check('balances_held_check', sql`${t.held} >= 0`),
  ],
);
