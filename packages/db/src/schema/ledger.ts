import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const ledgerKinds = [
  'topup',
  'credit',
  'debit',
  'refund',
  'charge',
  'hold',
  'capture',
  'release',
] as const;

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    // By default, not always: the balance-change statement inserts with INSERT … SELECT, whose
    // Drizzle form must name every column, so it draws the id from the sequence itself.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      // Money history is never deleted with a user.
      .references(() => users.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    /** Change to the user's held total (holds +, captures and releases −); 0 for plain moves. */
    heldChange: bigint('held_change', { mode: 'bigint' }).notNull().default(sql`0`),
    /** The app a charge movement belongs to (internal client id) and its charge. */
    clientId: integer('client_id'),
    chargeId: text('charge_id'),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    reference: text('reference'),
    idempotencyKey: text('idempotency_key'),
    // SEC-33: whose key it is (the caller: `admin`, a client...), set whenever a key is.
    idempotencyScope: text('idempotency_scope'),
    actor: text('actor').notNull(),
    balanceAfter: bigint('balance_after', { mode: 'bigint' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Concurrent duplicates are settled here, not by a read-then-write race.
    // A key belongs to its caller, not to the user it names (SEC-33).
    uniqueIndex('ledger_entries_idempotency_scope_key').on(t.idempotencyScope, t.idempotencyKey),
    // listEntries: a user's entries newest first.
    index('ledger_entries_user_id_id_idx').on(t.userId, t.id),
    index('ledger_entries_charge_id_idx').on(t.chargeId),
    // A capture moves money from held to spent: no change to the available balance.
    check('ledger_entries_amount_check', sql`${t.amount} <> 0 OR ${t.heldChange} <> 0`),
    check('ledger_entries_balance_after_check', sql`${t.balanceAfter} >= 0`),
    check(
      'ledger_entries_kind_check',
      sql`${t.kind} in ('topup', 'credit', 'debit', 'refund', 'charge', 'hold', 'capture', 'release')`,
    ),
  ],
);
