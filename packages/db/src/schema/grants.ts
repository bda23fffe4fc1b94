import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { clients } from './clients.js';
import { users } from './users.js';

export const grants = pgTable(
  'grants',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    scopes: text('scopes').array().notNull(),
    /** The allowance the user chose for `charge` (SEC-85), in quota units per `charge_period`. */
    chargeLimit: bigint('charge_limit', { mode: 'bigint' }),
    chargePeriod: text('charge_period', { enum: ['day', 'week', 'month', 'total'] }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.clientId], name: 'grants_pkey' }),
    // countAuthorizedUsers, and the cascade when a client is deleted.
    index('grants_client_id_idx').on(t.clientId),
    check(
      'grants_allowance_check',
      sql`(${t.chargeLimit} IS NULL AND ${t.chargePeriod} IS NULL) OR (${t.chargeLimit} > 0 AND ${t.chargePeriod} IN ('day', 'week', 'month', 'total'))`,
    ),
  ],
);
