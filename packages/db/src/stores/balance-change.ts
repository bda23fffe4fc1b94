import { type Balance, type BalanceChange, type LedgerEntry, MAX_BALANCE } from '@gatehouse/core';
import { and, eq, notExists, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { balances } from '../schema/balances.js';
import { ledgerEntries } from '../schema/ledger.js';

type LedgerRow = typeof ledgerEntries.$inferSelect;
type BalanceRow = typeof balances.$inferSelect;

export function toEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    userId: row.userId,
    amount: row.amount,
    kind: row.kind,
    reference: row.reference,
    idempotencyKey: row.idempotencyKey,
    actor: row.actor,
    balanceAfter: row.balanceAfter,
    createdAt: row.createdAt,
  };
}

export function toBalance(row: BalanceRow): Balance {
  return { userId: row.userId, quota: row.quota, usedQuota: row.usedQuota, updatedAt: row.updatedAt };
}

/** SEC-32, as a literal: a constant of the code, not a value anyone sends. */
const MAX = sql.raw(`${MAX_BALANCE.toString()}::bigint`);

/**
 * One ledger row and one balance update as a single statement, so it is atomic on
 * its own and inside a caller's transaction alike. Nothing is written (no row
 * returned) when the balance would go below zero, the balance or used quota would
 * pass MAX_BALANCE (SEC-32), the user has no balance, or the idempotency key was
 * used before. A concurrent duplicate that slips past the
 * NOT EXISTS (both saw the same snapshot) fails on the unique index instead.
 */
export function balanceChangeStatement(db: Db) {
  const userId = sql`${sql.placeholder('userId')}::integer`;
  const amount = sql`${sql.placeholder('amount')}::bigint`;
  const idempotencyKey = sql`${sql.placeholder('idempotencyKey')}::text`;
  const idempotencyScope = sql`${sql.placeholder('idempotencyScope')}::text`;
  const changed = db.$with('changed').as(
    db
      .update(balances)
      .set({
        quota: sql`${balances.quota} + ${amount}`,
        usedQuota: sql`${balances.usedQuota} + greatest(-${amount}, 0)`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(balances.userId, userId),
          sql`${balances.quota} + ${amount} >= 0`,
          sql`${balances.quota} + ${amount} <= ${MAX}`,
          sql`${balances.usedQuota} + greatest(-${amount}, 0) <= ${MAX}`,
          notExists(
            db
              .select({ one: sql`1` })
              .from(ledgerEntries)
              .where(
                and(
                  eq(ledgerEntries.idempotencyScope, idempotencyScope),
                  eq(ledgerEntries.idempotencyKey, idempotencyKey),
                ),
              ),
          ),
        ),
      )
      .returning({ quota: balances.quota }),
  );
  const entry = db
    .select({
      // Drizzle's INSERT … SELECT names every column, the identity one included.
      id: sql<number>`nextval(pg_get_serial_sequence('ledger_entries', 'id'))`.as('id'),
      userId: userId.as('user_id'),
      amount: amount.as('amount'),
      heldChange: sql<bigint>`0::bigint`.as('held_change'),
      clientId: sql<number | null>`null::integer`.as('client_id'),
      chargeId: sql<string | null>`null::text`.as('charge_id'),
      kind: sql<string>`${sql.placeholder('kind')}::text`.as('kind'),
      reference: sql<string | null>`${sql.placeholder('reference')}::text`.as('reference'),
      idempotencyKey: idempotencyKey.as('idempotency_key'),
      idempotencyScope: idempotencyScope.as('idempotency_scope'),
      actor: sql<string>`${sql.placeholder('actor')}::text`.as('actor'),
      balanceAfter: changed.quota,
      createdAt: sql<Date>`now()`.as('created_at'),
    })
    .from(changed);
  return db.with(changed).insert(ledgerEntries).select(entry).returning();
}

/** True when `change` applied to `balance` would pass MAX_BALANCE (why the statement refused it). */
export function passesBalanceLimit(balance: Balance, change: Pick<BalanceChange, 'amount'>): boolean {
  const spent = change.amount < 0n ? -change.amount : 0n;
  return balance.quota + change.amount > MAX_BALANCE || balance.usedQuota + spent > MAX_BALANCE;
}

/** SEC-33: a key belongs to its caller; the actor is the caller unless a scope is named. */
export function idempotencyScopeOf(change: Pick<BalanceChange, 'idempotencyScope' | 'actor'>): string {
  return change.idempotencyScope ?? change.actor;
}

export function balanceChangeValues(change: BalanceChange) {
  if (change.amount === 0n) throw new RangeError('a balance change must not be zero');
  return {
    userId: change.userId,
    // As text, which both drivers bind alike; the statement casts it to bigint.
    amount: change.amount.toString(),
    kind: change.kind,
    reference: change.reference ?? null,
    idempotencyKey: change.idempotencyKey ?? null,
    idempotencyScope: change.idempotencyKey == null ? null : idempotencyScopeOf(change),
    actor: change.actor,
  };
}
