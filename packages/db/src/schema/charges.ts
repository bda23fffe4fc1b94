import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { clients } from './clients.js';
import { users } from './users.js';

/** An app's charge (or hold) on a user's balance. Never deleted: it is money history. */
export const charges = pgTable(
  'charges',
  {
    id: text('id').primaryKey(),
    // Order of creation, for `starting_after` pagination.
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    status: text('status', { enum: ['succeeded', 'held', 'canceled'] }).notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    capturedAmount: bigint('captured_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    refundedAmount: bigint('refunded_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    description: text('description').notNull(),
    reference: text('reference'),
    /** The allowance period the charge counts in; refunds give allowance back here (SEC-91). */
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    holdExpiresAt: timestamp('hold_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('charges_client_user_seq_idx').on(t.clientId, t.userId, t.seq),
    index('charges_user_seq_idx').on(t.userId, t.seq),
    index('charges_held_expiry_idx').on(t.holdExpiresAt).where(sql`${t.status} = 'held'`),
    check('charges_amount_check', sql`${t.amount} > 0`),
    check('charges_captured_check', sql`${t.capturedAmount} >= 0 AND ${t.capturedAmount} <= ${t.amount}`),
    // SEC-91: refunds never exceed what was captured.
    check(
      'charges_refunded_check',
      sql`${t.refundedAmount} >= 0 AND ${t.refundedAmount} <= ${t.capturedAmount}`,
    ),
  ],
);

export const chargeRefunds = pgTable(
  'charge_refunds',
  {
    id: text('id').primaryKey(),
    chargeId: text('charge_id')
      .notNull()
      .references(() => charges.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    reason: text('reason'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('charge_refunds_charge_id_idx').on(t.chargeId),
    check('charge_refunds_amount_check', sql`${t.amount} > 0`),
  ],
);

/** Allowance used per user × app × period start; a new period simply has no row yet. */
export const chargeUsage = pgTable(
  'charge_usage',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    used: bigint('used', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.clientId, t.periodStart], name: 'charge_usage_pkey' }),
    check('charge_usage_used_check', sql`${t.used} >= 0`),
  ],
);

/**
 * Idempotency keys of the charges API (SEC-92): scoped to client and user, the request's
 * fingerprint and the first response, written in the movement's own transaction. Kept ≥ 24 h.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key], name: 'idempotency_keys_pkey' }),
    index('idempotency_keys_created_at_idx').on(t.createdAt),
  ],
);
